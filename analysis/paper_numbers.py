"""The paper's numbers, for the reports that set measurements beside them (paper_tables.py,
study_report.py): analysis/paper_numbers.json, transcribed from the paper in docs/method.md §6."""
import json
import os

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "paper_numbers.json")


def load():
    with open(PATH) as f:
        return json.load(f)
