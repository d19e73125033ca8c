"""A functional test suite of our own: what a news site will paste in to try the service.

Written by this team from a list of functionalities in the manner of the HateCheck paper (Röttger
et al. 2021); no case is copied from a published suite. Every case has the action the default
guidelines ask for (`../shared/GUIDELINES.md`). The cases measure; nothing may train on them
(`models/synthetic.py` builds training sentences from other templates, words and targets, and a
test keeps the two apart).
"""

from models.evaluation.functional.cases import Case, Functionality, all_cases, functionalities
from models.evaluation.functional.run import SuiteResult, run_suite

__all__ = ["Case", "Functionality", "SuiteResult", "all_cases", "functionalities", "run_suite"]
