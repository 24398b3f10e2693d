from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from mentoring.imports.limits import MAX_BYTES, FileRefused
from mentoring.imports.tables import check_container


class StaffUploadForm(forms.Form):
    """The upload; only the checks that cost nothing run here, the rest in the import job."""

    data_read: bytes = b""

    staff_file = forms.FileField(
        label="Staff file (CSV or Excel .xlsx)",
        help_text="Up to 5 MB, 20,000 people and 30 columns. The first row names the columns.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_staff_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["staff_file"]
        # Refuse before reading: the parser would say the same, but only after loading it all.
        if upload.size and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 5 MB. "
                "Split it into several files."
            )
        data = upload.read()
        try:
            check_container(upload.name or "", data)
        except FileRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        self.data_read = data
        return upload
