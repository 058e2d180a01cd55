"""The bench's one table: each section adds rows; the table is printed and written as JSON.

A section module has `run(report)` and calls:

    report.row(section, measure, value, unit="", target="", passed=None, note="")
    report.at_most(section, measure, value, unit, limit)     # PASS when value <= limit
    report.at_least(section, measure, value, unit, minimum)  # PASS when value >= minimum
    report.info(key, value)                                  # a line in the header (database, ...)

`report.scale`, `report.postgres`, `report.seed` and `report.counties` (the accuracy section's
seeds) carry the command-line options.
"""
import json
import math
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    section: str
    measure: str
    value: object
    unit: str = ""
    target: str = ""
    result: str = ""
    note: str = ""


def _show(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4f}" if abs(value) <= 1 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class Report:
    def __init__(self, scale: float = 1.0, postgres: bool = False, seed: int = 2022,
                 counties: tuple[int, ...] = (2022, 7, 11)):
        self.scale, self.postgres, self.seed, self.counties = scale, postgres, seed, counties
        self.rows: list[Row] = []
        self.infos: dict[str, str] = {}

    def row(self, section: str, measure: str, value, unit: str = "", target: str = "", passed: bool | None = None,
            note: str = "") -> Row:
        result = "" if passed is None else ("PASS" if passed else "FAIL")
        row = Row(section, measure, value, unit, target, result, note)
        self.rows.append(row)
        print(f"  [{section}] {measure}: {_show(value)} {unit} {result}".rstrip(), flush=True)
        return row

    def at_most(self, section: str, measure: str, value: float, unit: str, limit: float, note: str = "") -> Row:
        return self.row(section, measure, value, unit, f"<= {limit:g} {unit}".strip(), value <= limit, note)

    def at_least(self, section: str, measure: str, value: float, unit: str, minimum: float, note: str = "") -> Row:
        return self.row(section, measure, value, unit, f">= {minimum:g} {unit}".strip(), value >= minimum, note)

    def error(self, section: str, message: str) -> Row:
        return self.row(section, "error", message, passed=False)

    def info(self, key: str, value) -> None:
        self.infos[key] = str(value)

    def line(self, name: str, text: str) -> Row:
        """A free-text row, for sections that only have words: `name` is 'section: measure'."""
        section, _, measure = name.partition(":")
        return self.row(section.strip(), (measure or name).strip(), text)

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.result == "FAIL"]

    def machine(self) -> dict:
        try:
            usable = len(os.sched_getaffinity(0))
        except AttributeError:
            usable = os.cpu_count()
        load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
        return {"cores": os.cpu_count(), "usable_cores": usable, "load_average_1m": round(load[0], 2),
                "python": platform.python_version(),
                "platform": platform.platform(), "processor": platform.processor() or platform.machine()}

    def table(self) -> str:
        header = ("section", "measure", "value", "target", "result", "note")
        lines = [header] + [(r.section, r.measure, f"{_show(r.value)} {r.unit}".strip()[:70], r.target, r.result,
                             r.note) for r in self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(5)]
        text = []
        for n, line in enumerate(lines):
            text.append("  ".join(cell.ljust(widths[i]) if i < 5 else cell for i, cell in enumerate(line)).rstrip())
            if n == 0:
                text.append("  ".join("-" * w for w in widths) + "  ----")
        return "\n".join(text)

    def write_json(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"machine": self.machine(), "info": self.infos, "scale": self.scale,
                "rows": [asdict(r) for r in self.rows]}
        path.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        return path
