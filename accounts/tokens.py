from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A sign-in link for an invited person. It stops working once they have set a password
    (the hash covers the password), and after PASSWORD_RESET_TIMEOUT like a reset link."""

    key_salt = "twoway.accounts.tokens.InvitationTokenGenerator"


invitation_token = InvitationTokenGenerator()
