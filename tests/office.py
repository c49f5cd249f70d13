"""LibreOffice for the tests: documents converted to PDF with a profile of their own, so
that a test never waits for, or fails on, another soffice running on the machine."""
import shutil
import subprocess


def to_pdf(paths, outdir, *, timeout=600, check=True):
    """Convert ``paths`` (one soffice call for them all) into ``outdir``."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / "soffice-profile").as_uri()
    return subprocess.run([shutil.which("soffice") or "soffice",
                           f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)],
                          check=check, capture_output=True, timeout=timeout)
