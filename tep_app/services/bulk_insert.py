"""Inserting many rows at once, the fastest way each database offers.

PostgreSQL (psycopg) takes them through COPY: one stream, no statement per row. SQLite takes one
prepared statement run for every row (executemany), with dates as the text SQLAlchemy itself
stores. Either way the rows go straight to the driver: no ORM objects, no primary keys fetched back.

On PostgreSQL, `analyse` brings the planner's picture of tables that have just taken many rows up
to date (ANALYZE samples the rows this transaction wrote too): without it the planner still sees
a table as it was, small or empty, and joins later in the same transaction (matching's loads, the
roll evidence, the lists) are planned as nested loops over tens of thousands of rows, minutes
instead of seconds. Autovacuum cannot help inside the transaction: it sees only committed rows.
"""
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice

from sqlalchemy import Date, DateTime, Table

from tep_app import clock
from tep_app.extensions import db

_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
CHUNK = 10_000
# A small sample is enough to plan the joins by (a tenth of PostgreSQL's usual 100); autovacuum
# analyses the table again in full once the transaction has committed.
ANALYSE_TARGET = 10


def _sqlite_datetime(value: datetime) -> str:
    return value.replace(tzinfo=None).strftime(_SQLITE_DATETIME)


def stamp() -> datetime | str:
    """Now, in the form the session's database takes a timestamp in bulk."""
    now = clock.now()
    return _sqlite_datetime(now) if db.session.connection().dialect.name == "sqlite" else now


def _sqlite_rows(table: Table, columns: Sequence[str], rows: list[tuple]) -> list[tuple]:
    """The rows with dates and timestamps as text; each distinct value is converted once."""
    conversions = {}
    for position, name in enumerate(columns):
        kind = table.c[name].type
        if isinstance(kind, DateTime):
            conversions[position] = _sqlite_datetime
        elif isinstance(kind, Date):
            conversions[position] = date.isoformat
    if not conversions:
        return rows
    values = list(zip(*rows, strict=False))
    changed = False
    for position, convert in conversions.items():
        distinct = {value for value in values[position] if value is not None and value.__class__ is not str}
        if distinct:
            text = {value: convert(value) for value in distinct}
            values[position] = [text.get(value, value) for value in values[position]]
            changed = True
    return list(zip(*values, strict=False)) if changed else rows


def _copy_rows(driver_connection, table_name: str, quoted: str, rows: Iterable[tuple]) -> int:
    """COPY in binary, the columns' own types read from the table: far less work than text.

    Rows go to the server as they come, so it stores the first while later ones are still made.
    """
    count = 0
    with driver_connection.cursor() as cursor:
        cursor.execute(f'SELECT {quoted} FROM "{table_name}" LIMIT 0')
        types = [column.type_code for column in cursor.description]
        with cursor.copy(f'COPY "{table_name}" ({quoted}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
    return count


def analyse(*tables: Table) -> None:
    """On PostgreSQL, ANALYZE the tables from a small sample, in the session's transaction, leaving
    the session's own setting as it was. Nothing on SQLite, whose planner needs no row counts here."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return
    usual = connection.exec_driver_sql("SHOW default_statistics_target").scalar()
    connection.exec_driver_sql(f"SET LOCAL default_statistics_target = {ANALYSE_TARGET}")
    for table in tables:
        connection.exec_driver_sql(f'ANALYZE "{table.name}"')
    connection.exec_driver_sql(f"SET LOCAL default_statistics_target = {int(usual)}")


def insert_rows(table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples of values in `columns` order) into `table` in the session's transaction.

    `rows` may be a generator: it is read once, as the rows are written. Returns how many there were.
    """
    if isinstance(rows, list) and not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    quoted = ", ".join(f'"{name}"' for name in columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        return _copy_rows(connection.connection.driver_connection, table.name, quoted, rows)
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({", ".join([marker] * len(columns))})'
    count = 0
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        if dialect.name == "sqlite":
            chunk = _sqlite_rows(table, columns, chunk)
        connection.exec_driver_sql(statement, chunk)
        count += len(chunk)
    return count
