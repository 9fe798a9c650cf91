"""`kinerja`: the data team's command line (generate a demo city, run the pipeline, explain a line)."""
from __future__ import annotations

from pathlib import Path

import typer

from orchestration.lib.months import parse_month

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)


def _require_demo() -> None:
    """The demo city and the fake SIASN server live in the checkout, not in the installed wheel."""
    import importlib.util
    if importlib.util.find_spec("orchestration.demo") is None:
        typer.echo("the demo generator and the fake SIASN server are not installed with the package: run this from "
                   "a checkout of kinerja-tpp (`make demo`)", err=True)
        raise typer.Exit(2)


@app.command()
def generate(landing: Path = typer.Option(..., help="landing folder to write"),
             asn: int = typer.Option(3532, help="civil servants on the 11 March 2025 snapshot"),
             from_: str = typer.Option("2025-01", "--from"), to: str = typer.Option("2025-06", "--to"),
             seed: int = typer.Option(20250311), faults: bool = typer.Option(False, help="add one row of each bad-input class"),
             bulk: bool = typer.Option(False, help="vectorised generator for province / national scale "
                                                   "(regions the size of the demo city; no --faults)"),
             corrected_delivery: str = typer.Option(None, help="YYYY-MM: only re-deliver that month's roster, corrected "
                                                               "(one kelas raised, one lowered, one person removed), "
                                                               "as payroll does after a month was paid")):
    """Write a deterministic demo city (SIASN fetches and payroll files) into LANDING."""
    _require_demo()
    if corrected_delivery:
        from orchestration.demo.corrected_delivery import write_corrected_delivery
        chosen = write_corrected_delivery(landing, _month(corrected_delivery))
        typer.echo(f"re-delivered payroll/roster/{corrected_delivery}.csv: kelas raised for {chosen['raised']}, "
                   f"lowered by 4 for {chosen['lowered']}, {chosen['removed']} removed")
        return
    if bulk:
        if faults:
            raise typer.BadParameter("--faults is only for the scripted demo city (without --bulk)")
        from orchestration.demo.bulk_generator import generate_bulk
        stats = generate_bulk(landing, asn, parse_month(from_), parse_month(to), seed)
        typer.echo(f"bulk landing: {stats['people']:,} people in {stats['regions']} regions, {stats['months']} months, "
                   f"{stats['files']} files -> {landing}")
        return
    from orchestration.demo.generator import generate_city
    stats = generate_city(landing, asn, parse_month(from_), parse_month(to), seed, faults)
    typer.echo(f"demo city: {stats['people']} people, {stats['months']} months, {stats['files']} files -> {landing}")


def _month(value: str) -> str:
    """A --from/--to/--month value: YYYY-MM with a real month, or a usage error (exit 2) naming it."""
    import re
    if value is None or re.fullmatch(r"\d{4}-\d{2}", value) is None or not 1 <= int(value[5:]) <= 12:
        raise typer.BadParameter(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2025-04")
    return value


@app.command()
def run(landing: Path = typer.Option(..., exists=True, file_okay=False),
        home: Path = typer.Option(..., help="warehouse home (raw/, warehouse.duckdb, reports/)"),
        from_: str = typer.Option(..., "--from", callback=_month), to: str = typer.Option(..., "--to", callback=_month),
        docs: bool = typer.Option(True, help="generate dbt docs into <home>/reports/dbt_docs"),
        documents: str = typer.Option("all", help="payout files: all (CSVs, XLSX, PDF per OPD) or csv (national scale)"),
        full_refresh: bool = typer.Option(False, help="rebuild the incremental SIASN staging tables from all raw "
                                                      "files (only needed after raw files were removed)"),
        executor: str = typer.Option("in_process", help="in_process, or multiprocess (the daemon's default: a "
                                                        "process per step)")):
    """Run the Dagster job monthly_tpp for the months FROM..TO, as a backfill of it would, in the home's own
    Dagster instance (<home>/dagster); one line per step; non-zero exit on any failure."""
    from orchestration.defs.partitions import monthly
    from orchestration.launch import run_pipeline
    if to < from_:
        raise typer.BadParameter(f"--to {to} is before --from {from_}", param_hint="--to")
    first = monthly.get_first_partition_key()
    if from_ < first:
        raise typer.BadParameter(f"{from_} is before the first month the pipeline pays ({first})", param_hint="--from")
    ok = run_pipeline(landing.resolve(), home.resolve(), parse_month(from_), parse_month(to), echo=typer.echo,
                      docs=docs, documents=documents, full_refresh=full_refresh, executor=executor)
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
def issue(home: Path = typer.Option(..., exists=True, file_okay=False),
          month: str = typer.Option(..., help="YYYY-MM", callback=_month)):
    """Issue (lock) MONTH after finance paid it: records its payout lines, totals and the SHA-256 of every payout
    file in <home>/audit/issued/MONTH. Refused when already issued, when its gate did not pass on the facts as they
    are, or out of order. Launches the Dagster job issue_month (the same as the UI)."""
    from orchestration.launch import issue as issue_month
    raise typer.Exit(0 if issue_month(home.resolve(), month, echo=typer.echo) else 1)


@app.command("write-off")
def write_off(home: Path = typer.Option(..., exists=True, file_okay=False), nip: str = typer.Option(...),
              month: str = typer.Option(..., help="the issued month whose lebih bayar is written off", callback=_month),
              decision: str = typer.Option(..., help="the decision that writes it off, e.g. the TGR decree number"),
              amount: int = typer.Option(0, help="rupiah to write off (default: all that is still OPEN)")):
    """Record a decision that a lebih bayar still OPEN is not recovered by offset (e.g. TGR, PP 38/2016). The next
    build shows it as WRITTEN_OFF in marts.fct_tpp_correction; later months no longer offset it."""
    import duckdb
    from orchestration.lib.issued import record_write_off
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        still_open = -(con.execute("select coalesce(sum(amount), 0) from marts.fct_tpp_correction where nip = ? "
                                   "and corrected_period = ? and kind = 'LEBIH_BAYAR' and status = 'OPEN'",
                                   [nip, parse_month(month)]).fetchone()[0])
    finally:
        con.close()
    chosen = amount or still_open
    if still_open <= 0 or not 0 < chosen <= still_open:
        typer.echo(f"no lebih bayar of Rp {chosen:,} is open for that NIP and {month} (open: Rp {still_open:,}; "
                   f"see `kinerja diff --month {month}`)", err=True)
        raise typer.Exit(1)
    folder = record_write_off(home, nip, month, chosen, decision)
    typer.echo(f"written off Rp {chosen:,} of the {month} lebih bayar ({decision}); recorded in {folder}; "
               f"the next run shows it")


@app.command()
def diff(home: Path = typer.Option(..., exists=True, file_okay=False),
         month: str = typer.Option(..., help="an issued month, YYYY-MM", callback=_month)):
    """What changed in an issued MONTH since it was issued: per person and component, issued against recomputed
    from the inputs as they stand now, the input rows and rule rows that changed, and where the correction is paid
    (marts.fct_tpp_correction as of the last build)."""
    import duckdb
    from orchestration.lib.correction_diff import render_diff
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        typer.echo(render_diff(con, home, month))
    finally:
        con.close()


@app.command()
def runs(home: Path = typer.Option(..., exists=True, file_okay=False),
         file: Path = typer.Option(None, exists=True, dir_okay=False,
                                   help="a payout file (e.g. the bank file a bank returned): list only the runs that "
                                        "wrote these exact bytes")):
    """List the recorded pipeline runs (audit.pipeline_runs) of a warehouse home; a run the log still shows as
    running but that has ended in the home's Dagster instance is recorded with its final status first."""
    import json
    from orchestration.lib.audit import list_runs, refresh_ended, runs_that_wrote
    from orchestration.lib.home_instance import instance_dir, open_instance
    if (instance_dir(home) / "dagster.yaml").exists():
        instance = open_instance(home)
        try:
            refresh_ended(instance, home)
        finally:
            instance.dispose()
    if file is not None:
        wrote = runs_that_wrote(home, file)
        if not wrote:
            typer.echo(f"no recorded run of {home} wrote {file.name} as it is now (altered, or from another home)",
                       err=True)
            raise typer.Exit(1)
        for r in wrote:
            typer.echo(f"{r['run_id']} {r['job']} {r['months']} {r['status']} started "
                       f"{r['started_at']:%Y-%m-%d %H:%M:%S} code {r['code_version']} dbt {r['dbt_invocation_id']}")
        return
    for r in list_runs(home):
        checks = json.loads(r["check_results"])
        failed = sum(not ok for suites in checks.values() for ok in suites.values())
        dbt_ids = ",".join(i[:8] for i in (r["dbt_invocation_id"] or "").split()) or "-"   # inputs, month facts
        typer.echo(f"{r['started_at']:%Y-%m-%d %H:%M:%S} {r['run_id'][:8]} {r['job'] or '':<13} {r['months']:<17} "
                   f"{(r['status'] or '-'):<9} {(r['launched_by'] or '-')[:24]:<24} code {r['code_version']:<14} "
                   f"inputs {len(json.loads(r['input_files'])):>3} dbt {dbt_ids:<17} "
                   f"checks failed {failed:>3} reports {len(json.loads(r['report_files'])):>4}"
                   + (f"  failed at: {r['failed_step']}" if r["failed_step"] else ""))
    from orchestration.lib.payout_status import payout_status
    for line in payout_status(home):
        typer.echo(line)


@app.command()
def instance(home: Path = typer.Option(..., help="warehouse home")):
    """Create the home's Dagster instance (<home>/dagster) and print the folder to use as DAGSTER_HOME."""
    from orchestration.lib.home_instance import ensure_instance
    typer.echo(str(ensure_instance(home)))


@app.command()
def fetch(landing: Path = typer.Option(..., file_okay=False),
          month: str = typer.Option(..., help="YYYY-MM roster month", callback=_month),
          name: str = typer.Option("", help="fetch run name (default month-YYYY-MM); reuse it to resume"),
          endpoints: str = typer.Option("rw-kinerjaperiodik,rw-skp22,rw-hukdis"),
          nip: str = typer.Option("", help="comma-separated NIPs to fetch again (default: the whole roster)"),
          gaps_from: Path = typer.Option(None, exists=True, file_okay=False,
                                         help="warehouse home whose gate found rejected SIASN responses for MONTH: "
                                              "fetch those NIPs again (marts.fct_evidence_issue)")):
    """Fetch every NIP on MONTH's roster from SIASN (credentials from SIASN_* environment variables)."""
    import hashlib
    import time
    from orchestration.lib.siasn_client import SiasnClient, SiasnSettings
    from orchestration.lib.siasn_fetch import evidence_gap_nips, fetch_endpoint, roster_nips, run_name
    period = parse_month(month)
    chosen = [n.strip() for n in nip.split(",") if n.strip()]
    if gaps_from:
        chosen += evidence_gap_nips(gaps_from, period)
        if not chosen:
            typer.echo(f"no rejected SIASN response blocks {month} in {gaps_from}: nothing to fetch again")
            return
    nips = sorted(set(chosen)) or roster_nips(landing, period)
    # a re-fetch is its own fetch run: a new file, with its own fetch time, that supersedes the rejected responses
    default_name = (f"{run_name(period)}-refetch-{hashlib.sha256(','.join(nips).encode()).hexdigest()[:8]}"
                    if chosen else run_name(period))
    from orchestration.lib.siasn_client import SiasnError
    try:
        client = SiasnClient(SiasnSettings.from_env())
    except ValueError as err:   # missing settings: one line, no traceback
        typer.echo(f"kinerja fetch: {err}", err=True)
        raise typer.Exit(1) from None
    started = time.monotonic()
    try:
        for endpoint in endpoints.split(","):
            r = fetch_endpoint(client, landing, endpoint, name or default_name, nips)
            typer.echo(f"{endpoint}: {r.fetched} fetched, {r.skipped} already there -> {r.path}")
    except SiasnError as err:   # a refused credential or an unreachable server: the message never holds a secret
        typer.echo(f"kinerja fetch: {err}", err=True)
        raise typer.Exit(1) from None
    finally:
        client.close()
    seconds = time.monotonic() - started
    st = client.stats
    typer.echo(f"{st.calls} calls, {st.retries} retries, {st.refreshes_on_401} token refreshes after 401, "
               f"{seconds:.1f} s, {st.calls / seconds if seconds else 0:.1f} calls/s")


@app.command("fake-siasn")
def fake_siasn(landing: Path = typer.Option(..., exists=True, file_okay=False, help="generated city to serve"),
               port: int = typer.Option(8089), at: str = typer.Option("", help="simulated clock, ISO 8601 (default: now)"),
               rate_limit_every: int = typer.Option(0), server_error_every: int = typer.Option(0),
               expire_tokens_every: int = typer.Option(0), slow_every: int = typer.Option(0),
               slow_seconds: float = typer.Option(0.0)):
    """Serve a generated city through SIASN's URL shapes on 127.0.0.1 (for demos and tests)."""
    _require_demo()
    import datetime as dt
    import time
    from orchestration.demo.fake_siasn import OAUTH_PATH, SSO_PATH, TEST_CREDENTIALS, Faults, FakeSiasn
    clock = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    fake = FakeSiasn(landing, clock, Faults(expire_tokens_every=expire_tokens_every, rate_limit_every=rate_limit_every,
                                            server_error_every=server_error_every, slow_every=slow_every,
                                            slow_seconds=slow_seconds))
    url = fake.start(port)
    typer.echo(f"fake SIASN on {url} (clock {clock.isoformat()}); use:\n"
               f"  export SIASN_BASE_URL={url}/apisiasn/1.0 SIASN_OAUTH_URL={url}{OAUTH_PATH} SIASN_SSO_URL={url}{SSO_PATH}\n"
               f"  export SIASN_CLIENT_ID={TEST_CREDENTIALS['client_id']} SIASN_CLIENT_SECRET=... SIASN_USERNAME="
               f"{TEST_CREDENTIALS['username']} SIASN_PASSWORD=...   (the demo values are in orchestration/demo/fake_siasn.py)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


@app.command("gx-init")
def gx_init():
    """(Re)write the GX suites, validation definitions and checkpoints under expectations/ from the code."""
    from orchestration.defs.quality.gx_project import get_context, point_data_docs_at_home, write_gx_project
    write_gx_project(get_context())
    point_data_docs_at_home()
    typer.echo("expectations/ updated; review and commit the JSON")


def main() -> None:
    """The `kinerja` console script."""
    app()


if __name__ == "__main__":
    main()
