"""What the fault scripts (kill_resume.py, full_disk.py) share: the closing report."""
import sys


def report_and_exit(failures, summary):
    """Prints every failure and the summary line; exits 1 when anything failed, else 0."""
    for f in failures:
        print("FAIL:", f)
    print(summary)
    sys.exit(1 if failures else 0)
