"""The programme dashboard for HR admins and managers: aggregates only, small groups hidden."""
