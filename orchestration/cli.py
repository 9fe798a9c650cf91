"""`kinerja`: the data team's command line (generate a demo city, run the pipeline, explain a line)."""
from __future__ import annotations

from pathlib import Path

import typer

from orchestration.lib.months import parse_month

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)


@app.command()
def generate(landing: Path = typer.Option(..., help="landing folder to write"),
             asn: int = typer.Option(3532, help="civil servants on the 11 March 2025 snapshot"),
             from_: str = typer.Option("2025-01", "--from"), to: str = typer.Option("2025-06", "--to"),
             seed: int = typer.Option(20250311), faults: bool = typer.Option(False, help="add one row of each bad-input class")):
    """Write a deterministic demo city (SIASN fetches and payroll files) into LANDING."""
    from orchestration.demo.generator import generate_city
    stats = generate_city(landing, asn, parse_month(from_), parse_month(to), seed, faults)
    typer.echo(f"demo city: {stats['people']} people, {stats['months']} months, {stats['files']} files -> {landing}")


@app.command()
def run(landing: Path = typer.Option(..., exists=True, file_okay=False),
        home: Path = typer.Option(..., help="warehouse home (raw/, warehouse.duckdb, reports/)"),
        from_: str = typer.Option(..., "--from"), to: str = typer.Option(..., "--to"),
        docs: bool = typer.Option(True, help="generate dbt docs into <home>/reports/dbt_docs")):
    """Materialise every asset for the months FROM..TO, in month order; non-zero exit on any failure."""
    from orchestration.run_pipeline import run_pipeline
    ok = run_pipeline(landing.resolve(), home.resolve(), parse_month(from_), parse_month(to), echo=typer.echo,
                      docs=docs)
    raise typer.Exit(0 if ok else 1)


@app.command()
def explain(home: Path = typer.Option(..., exists=True, file_okay=False), nip: str = typer.Option(...),
            month: str = typer.Option(..., help="YYYY-MM"), as_json: bool = typer.Option(False, "--json")):
    """The whole derivation of one payout line: source rows, rule rows with their legal basis, figures."""
    import duckdb
    from orchestration.lib.explain import explain_line, render_json, render_text
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    con.execute("set TimeZone = 'Asia/Makassar'")   # show fetch times and cutoffs in WITA
    try:
        derivation = explain_line(con, nip, parse_month(month))
    except LookupError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1)
    finally:
        con.close()
    typer.echo(render_json(derivation) if as_json else render_text(derivation))


@app.command()
def runs(home: Path = typer.Option(..., exists=True, file_okay=False)):
    """List the recorded pipeline runs (audit.pipeline_runs) of a warehouse home."""
    import json
    from orchestration.lib.audit import list_runs
    for r in list_runs(home):
        checks = json.loads(r["check_results"])
        failed = sum(not ok for suites in checks.values() for ok in suites.values())
        typer.echo(f"{r['started_at']:%Y-%m-%d %H:%M:%S} {r['run_id'][:8]} {r['months']:<17} "
                   f"{'ok    ' if r['succeeded'] else 'FAILED'} code {r['code_version']:<14} "
                   f"inputs {len(json.loads(r['input_files'])):>3} dbt {r['dbt_invocation_id'][:8] or '-':<8} "
                   f"checks failed {failed:>3} reports {len(json.loads(r['report_files'])):>4}"
                   + (f"  failed at: {r['failed_step']}" if r["failed_step"] else ""))


@app.command("gx-init")
def gx_init():
    """(Re)write the GX suites, validation definitions and checkpoints under expectations/ from the code."""
    from orchestration.defs.quality.gx_project import get_context, point_data_docs_at_home, write_gx_project
    write_gx_project(get_context())
    point_data_docs_at_home()
    typer.echo("expectations/ updated; review and commit the JSON")


if __name__ == "__main__":
    app()
