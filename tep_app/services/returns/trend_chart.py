"""The geometry of the measure page's trend chart, drawn by the template as inline SVG (no script):
the NEET + Not Known percentage at each month end of an academic year (September to August), last
year's line beside it and the target across. Pure arithmetic: numbers in, coordinates out."""
import math
from datetime import date

from tep_app.dates import month_and_year, short_month, short_month_and_year
from tep_app.services.returns import requirement as req

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 24, 64  # room for the axes' labels and titles
MONTHS = (9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8)
TICKS = 5


def month_slot(day: date) -> int:
    """0 for September to 11 for August."""
    return MONTHS.index(day.month)


def _scale_top(values: list[float]) -> int:
    """The top of the percentage axis: the highest value rounded up to the next 10 (at least 10)."""
    return max(10, int(math.ceil(max(values, default=0) / 10.0)) * 10)


def trend_chart(academic_year: int, this_year: dict[date, float], last_year: dict[date, float],
                target: float | None) -> dict:
    """Points of this year's and last year's lines ({month end: percentage}), the target's line,
    the axes' ticks and labels, and one row per month for the table beside the chart."""
    top_value = _scale_top([*this_year.values(), *last_year.values(), *([target] if target is not None else [])])
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / len(MONTHS)

    def x(slot: int) -> float:
        return round(LEFT + step * slot + step / 2, 1)

    def y(value: float) -> float:
        return round(TOP + plot_height * (1 - value / top_value), 1)

    def line(values: dict[date, float]) -> dict:
        points = [{"x": x(month_slot(day)), "y": y(pct), "pct": pct, "month": month_and_year(day)}
                  for day, pct in sorted(values.items())]
        return {"points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points)}

    tick_values = [round(top_value * n / TICKS, 1) for n in range(TICKS + 1)]
    firsts = [date(academic_year if month >= req.ACADEMIC_YEAR_START_MONTH else academic_year + 1, month, 1)
              for month in MONTHS]
    rows = [{"label": short_month_and_year(first),
             "this_year": next((pct for day, pct in this_year.items() if day.month == first.month), None),
             "last_year": next((pct for day, pct in last_year.items() if day.month == first.month), None)}
            for first in firsts]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
        "bottom": HEIGHT - BOTTOM, "top_value": top_value,
        "months": [{"label": short_month(first), "x": x(slot)} for slot, first in enumerate(firsts)],
        "ticks": [{"label": f"{value:g}%", "y": y(value)} for value in tick_values],
        "this_year": line(this_year), "last_year": line(last_year),
        "target": None if target is None else {"value": target, "y": y(target)},
        "rows": rows,
    }
