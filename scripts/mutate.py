"""`make mutate`: mutation testing of the rule modules, each against the tests that cover it.

For each module in RULE_MODULES, mutmut makes small changes to it (a comparison turned round, a
number one off, a word in a message changed) and runs that module's tests against each change. A
change no test notices (a surviving mutant) is a rule no test guards. Prints the share of mutants
killed for each module and every survivor, and writes them all to bench/out/mutation.json.

A survivor that cannot change what a user sees or what is stored (an equivalent mutant) is kept
apart, with why: a change to a log message only, or one listed in EQUIVALENT. The share killed is
counted without them. The target: 90 % killed overall and 80 % in every module.

Each module runs in a copy of the project in a temporary folder, so the working tree is never
changed; the test database is migrated once per module (scripts/mutate_plugin.py). A run of some
modules keeps the stored results of the others. Not part of `make test`.

    python scripts/mutate.py                      # every module
    python scripts/mutate.py tep_app/validation.py
    python scripts/mutate.py --rescore            # apply EQUIVALENT again to the stored results
"""
import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "mutation.json"

# Each rule module, and the tests that cover it.
_MATCHING = ["tests/matching/test_matching_weights.py", "tests/matching/test_matching_rules.py",
             "tests/matching/test_matching_service.py", "tests/matching/test_matching_edges.py",
             "tests/matching/test_matching_decisions.py", "tests/matching/test_matching_learnt_evidence.py"]
_CASES = ["tests/cases/test_case_rules.py", "tests/cases/test_cases_opening.py",
          "tests/cases/test_cases_casework.py", "tests/school_requests/test_edges_of_answers_lapses_tables.py",
          "tests/school_requests/test_edges_of_codes_reminders_chasers.py", "tests/cases/test_case_records.py",
          "tests/cases/test_case_opening_edges.py", "tests/cases/test_cases_assignment.py"]
_REQUESTS = ["tests/school_requests/test_requests_send.py", "tests/school_requests/test_reminders_and_chasers.py",
             "tests/school_requests/test_edges_of_codes_reminders_chasers.py",
             "tests/school_requests/test_chase_edges.py", "tests/school_requests/test_send_edges.py"]
RULE_MODULES = {
    "tep_app/validation.py": ["tests/security/test_validation.py", "tests/demo/test_made_identifiers.py"],
    "tep_app/services/imports/fields.py": ["tests/imports/test_import_fields.py",
                                           "tests/imports/test_import_validation.py"],
    "tep_app/matching/decide.py": _MATCHING,
    "tep_app/matching/compare.py": _MATCHING,
    "tep_app/matching/weights.py": _MATCHING,
    "tep_app/matching/evidence.py": _MATCHING,
    "tep_app/matching/spellings.py": _MATCHING,
    "tep_app/services/school_requests/links.py": ["tests/school_requests/test_link_tokens_and_answer_dates.py",
                                                  "tests/school_requests/test_portal_access.py",
                                                  "tests/school_requests/test_edges_of_codes_reminders_chasers.py",
                                                  "tests/school_requests/test_link_edges.py"],
    "tep_app/services/calendar.py": ["tests/school_requests/test_calendar_working_days.py",
                                     "tests/school_requests/test_calendar_stored.py",
                                     "tests/school_requests/test_calendar_edges.py",
                                     "tests/school_requests/test_edges_of_answers_lapses_tables.py",
                                     "tests/school_requests/test_edges_of_codes_reminders_chasers.py"],
    # The morning send (send_due_collections) is what the scheduler job runs.
    "tep_app/services/school_requests/sending.py": [*_REQUESTS, "tests/school_requests/test_scheduler_jobs.py"],
    "tep_app/services/school_requests/followup.py": _REQUESTS,
    "tep_app/services/cases/opening.py": _CASES,
    "tep_app/services/cases/casework.py": _CASES,
    "tep_app/services/cases/closing.py": _CASES,
    "tep_app/services/school_requests/outcomes.py": ["tests/school_requests/test_portal_submit.py",
                                                     "tests/school_requests/test_portal_answers.py",
                                                     "tests/school_requests/test_link_tokens_and_answer_dates.py",
                                                     "tests/school_requests/test_edges_of_answers_lapses_tables.py",
                                                     "tests/school_requests/test_school_answers_applied.py",
                                                     "tests/school_requests/test_answered_counts.py",
                                                     "tests/school_requests/test_portal_upload_changes.py",
                                                     "tests/returns/test_guarantee_status.py",
                                                     "tests/school_requests/test_school_guarantee_answers.py"],
    "tep_app/services/figures.py": ["tests/dashboard/test_dashboard_figures.py",
                                    "tests/dashboard/test_figure_edges.py"],
    "tep_app/spreadsheets/tables.py": ["tests/lists/test_spreadsheet_writer.py",
                                       "tests/school_requests/test_edges_of_answers_lapses_tables.py"],
    "tep_app/spreadsheets/list_template.py": ["tests/lists/test_list_template.py",
                                              "tests/lists/test_lists_export.py",
                                              "tests/lists/test_list_template_details.py",
                                              "tests/school_requests/test_edges_of_answers_lapses_tables.py"],
}
TARGET = 0.9
MODULE_TARGET = 0.8
from mutate_equivalent import EQUIVALENT  # noqa: E402  (scripts/ is this script's folder)

COPIED = ("tep_app", "tests", "migrations", "templates", "config.py", "pytest.ini")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "mutants", "instance")
RESULT = re.compile(r"^\s+(\S+): (\w[\w ]*)$")


def _setup_cfg(module: str, tests: list[str]) -> str:
    selection = "\n    ".join(tests)
    return (f"[mutmut]\nsource_paths=tep_app\nonly_mutate={module}\n"
            f"pytest_add_cli_args_test_selection=\n    {selection}\n"
            "pytest_add_cli_args=-p no:cacheprovider -p no:unraisableexception -p no:threadexception -q "
            "-p mutate_plugin\n"
            f"also_copy=\n    migrations\n    templates\n    config.py\n    pytest.ini\n")


def _mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess:
    plugin = folder / ".plugin"  # kept off the project's path, so only the mutated tep_app is imported
    plugin.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "scripts" / "mutate_plugin.py", plugin / "mutate_plugin.py")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(plugin),
           "TEP_MUTATE_MIGRATED_DB": str(folder / "migrated.sqlite")}
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=folder, env=env, text=True,
                          capture_output=True)


def _log_lines(module: str) -> set[str]:
    """The lines of the module's logging calls: a change there alters only the log."""
    source = (ROOT / module).read_text(encoding="utf-8")
    lines = source.splitlines()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "logger"):
            found.update(lines[n - 1].strip() for n in range(node.lineno, node.end_lineno + 1))
    return found


def _equivalent(module: str, name: str, change: list[str], log_lines: set[str]) -> str | None:
    """Why a surviving mutant cannot change what a user sees or what is stored, or None."""
    if name in EQUIVALENT:
        return EQUIVALENT[name]
    removed = [line[1:].strip() for line in change if line.startswith("-")]
    if removed and all(line in log_lines for line in removed):
        return "log message only: changes what is written to the log, not what a user sees or what is stored"
    return None


_DIFFS = """
import json, sys
from mutmut.__main__ import find_mutant, get_diff_for_mutant
names = json.load(sys.stdin)
print(json.dumps({name: get_diff_for_mutant(name, path=find_mutant(name).path) for name in names}))
"""


def _diffs(folder: Path, names: list[str]) -> dict[str, str]:
    """The change each mutant makes, all in one process (`mutmut show` one at a time is slow)."""
    if not names:
        return {}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    shown = subprocess.run([sys.executable, "-c", _DIFFS], cwd=folder, env=env, text=True, capture_output=True,
                           input=json.dumps(names))
    if shown.returncode == 0:
        return json.loads(shown.stdout.strip().splitlines()[-1])
    return {name: _mutmut(folder, "show", name).stdout for name in names}


def run_module(module: str, tests: list[str], children: int) -> dict:
    started = time.perf_counter()
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    if not any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) for node in ast.walk(tree)):
        # Constants only: mutmut changes code inside functions, so there is nothing to mutate; the
        # constants are tested at their edges by the module's tests.
        return {"module": module, "tests": tests, "mutants": 0, "killed": 0, "equivalent": 0, "ratio": None,
                "survivors": [], "equivalent_mutants": [], "seconds": 0.0}
    with tempfile.TemporaryDirectory(prefix="tep-mutate-") as temp:
        folder = Path(temp)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, folder / name, ignore=SKIPPED)
            else:
                shutil.copy2(source, folder / name)
        (folder / "setup.cfg").write_text(_setup_cfg(module, tests), encoding="utf-8")
        ran = _mutmut(folder, "run", "--max-children", str(children))
        if ran.returncode != 0:
            raise SystemExit(f"mutmut failed on {module}:\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}")
        listed = _mutmut(folder, "results", "--all", "true").stdout
        statuses = dict(match.groups() for line in listed.splitlines() if (match := RESULT.match(line)))
        log_lines = _log_lines(module)
        survivors, equivalent = [], []
        alive = [name for name, status in statuses.items() if status not in ("killed", "caught by type check")]
        diffs = _diffs(folder, alive)
        for name in alive:
            status = statuses[name]
            change = [line for line in diffs[name].splitlines()
                      if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            reason = _equivalent(module, name, change, log_lines)
            if reason:
                equivalent.append({"mutant": name, "status": status, "change": change, "why": reason})
            else:
                survivors.append({"mutant": name, "status": status, "change": change})
    killed = sum(1 for status in statuses.values() if status in ("killed", "caught by type check"))
    counted = len(statuses) - len(equivalent)
    return {"module": module, "tests": tests, "mutants": len(statuses), "killed": killed,
            "equivalent": len(equivalent), "ratio": round(killed / counted, 4) if counted else None,
            "survivors": survivors, "equivalent_mutants": equivalent,
            "seconds": round(time.perf_counter() - started, 1)}


def _summary(results: list[dict]) -> dict:
    killed = sum(r["killed"] for r in results)
    counted = sum(r["mutants"] - r["equivalent"] for r in results)
    overall = killed / counted if counted else 1.0
    passed = overall >= TARGET and all(r["ratio"] is None or r["ratio"] >= MODULE_TARGET for r in results)
    return {"target": TARGET, "module_target": MODULE_TARGET, "mutants": sum(r["mutants"] for r in results),
            "equivalent": sum(r["equivalent"] for r in results), "killed": killed, "ratio": round(overall, 4),
            "met": passed, "modules": results}


def _rescore() -> int:
    """Apply EQUIVALENT (and the log rule) to the survivors in bench/out/mutation.json again."""
    summary = json.loads(OUT.read_text(encoding="utf-8"))
    for r in summary["modules"]:
        log_lines = _log_lines(r["module"])
        everyone = r["survivors"] + r["equivalent_mutants"]
        r["survivors"], r["equivalent_mutants"] = [], []
        for mutant in everyone:
            reason = _equivalent(r["module"], mutant["mutant"], mutant["change"], log_lines)
            if reason:
                r["equivalent_mutants"].append({**mutant, "why": reason})
            else:
                r["survivors"].append({key: value for key, value in mutant.items() if key != "why"})
        r["equivalent"] = len(r["equivalent_mutants"])
        counted = r["mutants"] - r["equivalent"]
        r["ratio"] = round(r["killed"] / counted, 4) if counted else None
    seconds = summary.get("seconds")
    summary = _summary(summary["modules"])
    summary["seconds"] = seconds
    OUT.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    for r in summary["modules"]:
        ratio = f"{r['ratio']:.1%}" if r["ratio"] is not None else "no mutants"
        print(f"{r['module']}  {r['killed']}/{r['mutants'] - r['equivalent']}  {ratio}")
    print(f"overall  {summary['killed']}/{summary['mutants'] - summary['equivalent']}  {summary['ratio']:.1%}  "
          f"{'met' if summary['met'] else 'NOT met'}")
    return 0 if summary["met"] else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="rule modules to run (default: every one)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--rescore", action="store_true",
                        help="run nothing: sort the stored survivors again with the current list of equivalent mutants")
    args = parser.parse_args(argv)
    if args.rescore:
        return _rescore()
    chosen = args.modules or list(RULE_MODULES)
    unknown = [m for m in chosen if m not in RULE_MODULES]
    if unknown:
        parser.error(f"not a rule module: {', '.join(unknown)}; choose from {', '.join(RULE_MODULES)}")
    # A run of some modules keeps the last results of the others, so the file always covers them all.
    kept = {}
    if OUT.exists() and args.modules:
        kept = {r["module"]: r for r in json.loads(OUT.read_text(encoding="utf-8")).get("modules", [])
                if r["module"] in RULE_MODULES and "equivalent" in r}
    started = time.perf_counter()
    for module in chosen:
        print(f"{module}: mutating, against {', '.join(RULE_MODULES[module])}", flush=True)
        result = run_module(module, RULE_MODULES[module], args.children)
        kept[module] = result
        print(f"  {result['killed']}/{result['mutants'] - result['equivalent']} killed "
              f"({result['equivalent']} equivalent left out) in {result['seconds']:.0f} s", flush=True)
    if OUT.exists() and args.modules:  # read again: another run may have stored other modules meanwhile
        stored = {r["module"]: r for r in json.loads(OUT.read_text(encoding="utf-8")).get("modules", [])
                  if r["module"] in RULE_MODULES and "equivalent" in r}
        kept = {**stored, **{module: kept[module] for module in chosen}}
    results = [kept[module] for module in RULE_MODULES if module in kept]
    summary = _summary(results)
    print()
    width = max(len(r["module"]) for r in results)
    for r in results:
        ratio = f"{r['ratio']:.1%}" if r["ratio"] is not None else "no mutants"
        counted = r["mutants"] - r["equivalent"]
        print(f"{r['module']:<{width}}  {r['killed']:>4}/{counted:<4} killed  {ratio:>6}  "
              f"({r['equivalent']} equivalent, {r['seconds']:.0f} s)"
              f"{'' if r['module'] in chosen else '  [earlier run]'}")
    counted = summary["mutants"] - summary["equivalent"]
    print(f"{'overall':<{width}}  {summary['killed']:>4}/{counted:<4} killed  {summary['ratio']:.1%}  "
          f"(target {TARGET:.0%} overall, {MODULE_TARGET:.0%} in every module: "
          f"{'met' if summary['met'] else 'NOT met'})")
    for r in results:
        if r["module"] not in chosen:
            continue
        for survivor in r["survivors"]:
            print(f"\nsurvived ({survivor['status']}): {survivor['mutant']}")
            for line in survivor["change"]:
                print(f"    {line}")
    summary["seconds"] = round(time.perf_counter() - started, 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"\nWritten to {OUT.relative_to(ROOT)} ({summary['seconds']:.0f} s)")
    return 0 if summary["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
