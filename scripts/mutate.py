"""`make mutate`: mutation testing of the rule modules, each against the tests that cover it.

For each module in RULE_MODULES, mutmut makes small changes to it (a comparison turned round, a
number one off, a word in a message changed) and runs that module's tests against each change. A
change no test notices (a surviving mutant) is a rule no test guards. Prints the share of mutants
killed for each module and every survivor, and writes them all to bench/out/mutation.json.

Each module runs in a copy of the project in a temporary folder, so the working tree is never
changed. Not part of `make test`.

    python scripts/mutate.py                      # every module
    python scripts/mutate.py tep_app/validation.py
"""
import argparse
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
_MATCHING = ["tests/unit/test_matching_weights.py", "tests/unit/test_matching_rules.py",
             "tests/integration/test_matching_service.py", "tests/unit/test_matching_edges.py"]
_CASES = ["tests/unit/test_case_rules.py", "tests/integration/test_cases_opening.py",
          "tests/integration/test_cases_casework.py", "tests/unit/test_rule_edges.py",
          "tests/integration/test_rule_edges.py", "tests/integration/test_case_records.py"]
_REQUESTS = ["tests/integration/test_requests_send.py", "tests/integration/test_requests_followup.py",
             "tests/integration/test_send_concurrency.py", "tests/integration/test_rule_edges.py"]
RULE_MODULES = {
    "tep_app/validation.py": ["tests/unit/test_validation.py", "tests/unit/test_identifiers.py"],
    "tep_app/services/imports/fields.py": ["tests/unit/test_import_fields.py", "tests/unit/test_import_validation.py"],
    "tep_app/matching/decide.py": _MATCHING,
    "tep_app/matching/compare.py": _MATCHING,
    "tep_app/matching/weights.py": _MATCHING,
    "tep_app/matching/evidence.py": _MATCHING,
    "tep_app/services/school_requests/links.py": ["tests/unit/test_links.py", "tests/integration/test_portal_access.py",
                                                  "tests/unit/test_rule_edges.py", "tests/integration/test_rule_edges.py"],
    "tep_app/services/calendar.py": ["tests/unit/test_calendar.py", "tests/integration/test_lists_calendar.py",
                                     "tests/unit/test_rule_edges.py", "tests/integration/test_rule_edges.py"],
    "tep_app/services/school_requests/sending.py": _REQUESTS,
    "tep_app/services/school_requests/followup.py": _REQUESTS,
    "tep_app/services/school_requests/rules.py": _REQUESTS,
    "tep_app/services/cases/opening.py": _CASES,
    "tep_app/services/cases/casework.py": _CASES,
    "tep_app/services/cases/closing.py": _CASES,
    "tep_app/services/school_requests/outcomes.py": ["tests/integration/test_portal_submit.py",
                                                     "tests/integration/test_portal_answers.py",
                                                     "tests/unit/test_links.py", "tests/integration/test_school_answers_applied.py"],
    "tep_app/services/figures.py": ["tests/integration/test_dashboard_figures.py", "tests/integration/test_rule_edges.py"],
    "tep_app/spreadsheets/tables.py": ["tests/unit/test_spreadsheet_tables.py", "tests/unit/test_rule_edges.py"],
    "tep_app/spreadsheets/list_template.py": ["tests/unit/test_list_template.py", "tests/integration/test_lists_export.py",
                                              "tests/unit/test_rule_edges.py"],
}
TARGET = 0.9
COPIED = ("tep_app", "tests", "migrations", "templates", "config.py", "pytest.ini")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules", "mutants", "instance")
RESULT = re.compile(r"^\s+(\S+): (\w[\w ]*)$")


def _setup_cfg(module: str, tests: list[str]) -> str:
    selection = "\n    ".join(tests)
    return (f"[mutmut]\nsource_paths=tep_app\nonly_mutate={module}\n"
            f"pytest_add_cli_args_test_selection=\n    {selection}\n"
            f"pytest_add_cli_args=-p no:cacheprovider -q -p mutate_plugin\n"
            f"also_copy=\n    migrations\n    templates\n    config.py\n    pytest.ini\n")


def _mutmut(folder: Path, *args: str) -> subprocess.CompletedProcess:
    plugin = folder / ".plugin"  # kept off the project's path, so only the mutated tep_app is imported
    plugin.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "scripts" / "mutate_plugin.py", plugin / "mutate_plugin.py")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(plugin),
           "TEP_MUTATE_MIGRATED_DB": str(folder / "migrated.sqlite")}
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=folder, env=env, text=True,
                          capture_output=True)


def run_module(module: str, tests: list[str], children: int) -> dict:
    started = time.perf_counter()
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
        survivors = []
        for name, status in statuses.items():
            if status not in ("killed", "caught by type check"):
                diff = _mutmut(folder, "show", name).stdout
                survivors.append({"mutant": name, "status": status,
                                  "change": [line for line in diff.splitlines()
                                             if line[:1] in "+-" and not line.startswith(("+++", "---"))]})
    killed = sum(1 for status in statuses.values() if status in ("killed", "caught by type check"))
    total = len(statuses)
    return {"module": module, "tests": tests, "mutants": total, "killed": killed,
            "ratio": round(killed / total, 4) if total else None, "survivors": survivors,
            "seconds": round(time.perf_counter() - started, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="rule modules to run (default: every one)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    args = parser.parse_args(argv)
    chosen = args.modules or list(RULE_MODULES)
    unknown = [m for m in chosen if m not in RULE_MODULES]
    if unknown:
        parser.error(f"not a rule module: {', '.join(unknown)}; choose from {', '.join(RULE_MODULES)}")
    results = []
    for module in chosen:
        print(f"{module}: mutating, against {', '.join(RULE_MODULES[module])}", flush=True)
        result = run_module(module, RULE_MODULES[module], args.children)
        results.append(result)
        print(f"  {result['killed']}/{result['mutants']} killed in {result['seconds']:.0f} s", flush=True)
    total = sum(r["mutants"] for r in results)
    killed = sum(r["killed"] for r in results)
    print()
    width = max(len(r["module"]) for r in results)
    for r in results:
        ratio = f"{r['ratio']:.1%}" if r["ratio"] is not None else "no mutants"
        print(f"{r['module']:<{width}}  {r['killed']:>4}/{r['mutants']:<4} killed  {ratio:>6}  ({r['seconds']:.0f} s)")
    overall = killed / total if total else 1.0
    print(f"{'overall':<{width}}  {killed:>4}/{total:<4} killed  {overall:.1%}")
    for r in results:
        for survivor in r["survivors"]:
            print(f"\nsurvived ({survivor['status']}): {survivor['mutant']}")
            for line in survivor["change"]:
                print(f"    {line}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"target": TARGET, "killed": killed, "mutants": total, "ratio": round(overall, 4),
                               "modules": results}, indent=2), encoding="utf-8")
    print(f"\nWritten to {OUT.relative_to(ROOT)}")
    return 0 if overall >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
