-- Corrections of issued months (DOMAIN.md section 8). An issued month is history; every run recomputes it from
-- the inputs as they stand now (int_tpp_recomputed) and compares it per person and component with what was
-- issued. Each difference is paid in the open months after the last issued one:
--   kurang bayar (recomputed > issued): all of it in the first open month the person is on the roster;
--   lebih bayar (recomputed < issued): recovered by offset, each month at most rule_correction_offset's share of
--   that month's payable (so never below 0), the oldest corrected month first; the rest stays OPEN.
-- One row per person, corrected month and month paid in (status PAID: an issued month paid it; DUE: the open
-- month's payout pays it; OPEN: nothing pays it yet; WRITTEN_OFF: a recorded decision, `kinerja write-off`, not
-- to recover it by offset; IN_DEFERRAL: only the deferred amount changed, and the deferral's release in
-- fct_tpp_deferral_ledger pays it as recomputed). For each person and corrected month,
-- sum(amount) = recomputed payable - issued payable (the month's own entitlement, without what it paid of
-- earlier corrections).
with issued_months as (
    select period from {{ ref('stg_issued__months') }}
),

issued as (
    select * from {{ ref('stg_issued__lines') }}
),

recomputed as (
    select * from {{ ref('int_tpp_recomputed') }} where period in (select period from issued_months)
),

compared as (
    select
        coalesce(recomputed.nip, issued.nip) as nip,
        coalesce(recomputed.period, issued.period) as corrected_period,
        coalesce(recomputed.productivity_amount, 0) - coalesce(issued.productivity_amount, 0) as productivity_diff,
        coalesce(recomputed.discipline_amount, 0) - coalesce(issued.discipline_amount, 0) as discipline_diff,
        coalesce(recomputed.gross_amount, 0) - coalesce(issued.gross_amount, 0) as gross_diff,
        coalesce(recomputed.deferred_amount, 0) - coalesce(issued.deferred_amount, 0) as deferred_diff,
        coalesce(recomputed.released_amount, 0) - coalesce(issued.released_amount, 0) as released_diff,
        coalesce(issued.payable_amount - issued.correction_amount, 0) as issued_payable_amount,
        coalesce(recomputed.payable_amount, 0) as recomputed_payable_amount,
        list_filter([
            case when issued.nip is null then 'ADDED_TO_ROSTER' end,
            case when recomputed.nip is null then 'REMOVED_FROM_ROSTER' end,
            -- the rest compare a line issued with its recomputation (both there)
            case when pair.present and row(issued.kelas_jabatan, issued.jenis_pegawai, issued.kedudukan, issued.opd_kode)
                      <> row(recomputed.kelas_jabatan, recomputed.jenis_pegawai, recomputed.kedudukan, recomputed.opd_kode)
                 then 'ROSTER_CHANGED' end,
            case when pair.present and (issued.discipline_deduction_pct <> recomputed.discipline_deduction_pct
                      or (issued.attendance_source_file is null) <> (recomputed.attendance_source_file is null))
                 then 'ATTENDANCE_CHANGED' end,
            case when pair.present and (issued.evaluation_record_id is distinct from recomputed.evaluation_record_id
                      or issued.predikat_code is distinct from recomputed.predikat_code)
                 then 'EVALUATION_CHANGED' end,
            -- the same input under another rule row, or the same rule row with another value (a rule row
            -- corrected for the month after it was issued)
            case when pair.present and (
                      (issued.kelas_jabatan = recomputed.kelas_jabatan
                       and (issued.basis_rule_id <> recomputed.basis_rule_id or issued.basis_amount <> recomputed.basis_amount))
                      or (issued.jenis_pegawai = recomputed.jenis_pegawai and issued.kedudukan = recomputed.kedudukan
                          and (issued.status_rule_id <> recomputed.status_rule_id
                               or issued.status_factor <> recomputed.status_factor))
                      or (issued.predikat_code is not distinct from recomputed.predikat_code
                          and (issued.productivity_rule_id <> recomputed.productivity_rule_id
                               or issued.productivity_pct <> recomputed.productivity_pct))
                      or issued.prod_share_rule_id <> recomputed.prod_share_rule_id
                      or issued.disc_share_rule_id <> recomputed.disc_share_rule_id)
                 then 'RULE_CHANGED' end,
            case when pair.present and issued.deferred_amount <> recomputed.deferred_amount then 'DEFERRAL_CHANGED' end,
            case when pair.present and issued.released_amount <> recomputed.released_amount then 'RELEASE_CHANGED' end,
            -- an acting assignment or a sanction / working-hour finding delivered after the month was issued
            -- (lines issued before these columns existed carry none)
            case when pair.present and coalesce(issued.acting_amount, 0) <> recomputed.acting_amount
                 then 'ACTING_CHANGED' end,
            case when pair.present and coalesce(issued.cut_amount, 0) <> recomputed.cut_amount then 'CUTS_CHANGED' end
        ], lambda reason: reason is not null) as reasons,
        -- the inputs and rule rows, as issued and as recomputed (null: no line)
        issued.roster_source_file || ':' || issued.roster_source_line as issued_roster_row,
        recomputed.roster_source_file || ':' || recomputed.roster_source_line as recomputed_roster_row,
        issued.attendance_source_file || ':' || issued.attendance_source_line as issued_attendance_row,
        recomputed.attendance_source_file || ':' || recomputed.attendance_source_line as recomputed_attendance_row,
        issued.evaluation_record_id as issued_evaluation_record_id,
        recomputed.evaluation_record_id as recomputed_evaluation_record_id,
        issued.kelas_jabatan as issued_kelas_jabatan,
        recomputed.kelas_jabatan as recomputed_kelas_jabatan,
        list_filter([issued.basis_rule_id, issued.status_rule_id, issued.productivity_rule_id,
                     issued.missing_attendance_rule_id, issued.skp_gate_rule_id], lambda r: r is not null)
            as issued_rule_ids,
        list_filter([recomputed.basis_rule_id, recomputed.status_rule_id, recomputed.productivity_rule_id,
                     recomputed.missing_attendance_rule_id, recomputed.skp_gate_rule_id], lambda r: r is not null)
            as recomputed_rule_ids
    from recomputed
    full outer join issued
        on issued.nip = recomputed.nip and issued.period = recomputed.period
    cross join lateral (select issued.nip is not null and recomputed.nip is not null as present) as pair
),

differences as (
    select *, recomputed_payable_amount - issued_payable_amount as difference_amount
    from compared
    where productivity_diff <> 0 or discipline_diff <> 0 or deferred_diff <> 0 or released_diff <> 0
       or recomputed_payable_amount <> issued_payable_amount
),

paid as (   -- what issued months already paid of each correction
    select * from {{ ref('stg_issued__corrections') }}
),

written_off as (   -- recorded decisions not to recover (part of) a lebih bayar by offset
    select nip, corrected_period, sum(amount) as amount, string_agg(decision, '; ' order by recorded_at) as decisions
    from {{ ref('stg_issued__write_offs') }}
    group by nip, corrected_period
),

balances as (
    select
        coalesce(differences.nip, settled.nip) as nip,
        coalesce(differences.corrected_period, settled.corrected_period) as corrected_period,
        coalesce(differences.difference_amount, 0) - coalesce(settled.amount, 0)
            + coalesce(written_off.amount, 0) as outstanding
    from differences
    full outer join (select nip, corrected_period, sum(amount) as amount from paid group by all) as settled
        on settled.nip = differences.nip and settled.corrected_period = differences.corrected_period
    left join written_off
        on written_off.nip = coalesce(differences.nip, settled.nip)
        and written_off.corrected_period = coalesce(differences.corrected_period, settled.corrected_period)
),

open_lines as (   -- the open months after the last issued one, where the person is on the roster
    select
        lines.nip,
        lines.period,
        lines.payable_amount,
        offset_rule.rule_id as offset_rule_id,
        {{ require(to_bp('offset_rule.pct'), "'no lebih bayar offset rule in ' || lines.period") }} as offset_bp
    from {{ ref('int_tpp_recomputed') }} as lines
    left join {{ ref('rule_correction_offset') }} as offset_rule
        on offset_rule.policy = 'lebih_bayar_offset_max' and {{ in_effect('offset_rule', 'lines.period') }}
    where lines.period > (select max(period) from issued_months)
),

first_open as (
    select nip, min(period) as period from open_lines group by nip
),

kurang as (
    select balances.nip, balances.corrected_period, first_open.period as paid_in_period, balances.outstanding as amount
    from balances
    left join first_open using (nip)
    where balances.outstanding > 0
),

kurang_by_month as (
    select nip, paid_in_period as period, sum(amount) as amount from kurang where paid_in_period is not null group by all
),

lebih as (   -- each lebih bayar as an interval of the person's total to recover, oldest corrected month first
    select
        nip,
        corrected_period,
        -outstanding as need,
        sum(-outstanding) over (partition by nip order by corrected_period rows unbounded preceding) as need_to
    from balances
    where outstanding < 0
),

caps as (   -- what each open month may recover, and the running total of it
    select
        open_lines.nip,
        open_lines.period,
        open_lines.offset_rule_id,
        cap.amount as cap,
        sum(cap.amount) over (partition by open_lines.nip order by open_lines.period rows unbounded preceding) as cap_to
    from open_lines
    left join kurang_by_month
        on kurang_by_month.nip = open_lines.nip and kurang_by_month.period = open_lines.period
    cross join lateral (
        select cast((cast(open_lines.payable_amount + coalesce(kurang_by_month.amount, 0) as hugeint)
                     * open_lines.offset_bp) // 10000 as bigint) as amount
    ) as cap
    where open_lines.nip in (select nip from lebih)
),

offsets as (   -- the overlap of a lebih bayar's interval with a month's recovery interval
    select
        lebih.nip,
        lebih.corrected_period,
        caps.period as paid_in_period,
        caps.offset_rule_id,
        greatest(0, least(lebih.need_to, caps.cap_to) - greatest(lebih.need_to - lebih.need, caps.cap_to - caps.cap))
            as recovered
    from lebih
    inner join caps using (nip)
),

rows_paid as (
    select nip, corrected_period, paid_in_period, amount, kind, 'PAID' as status, null as offset_rule_id
    from paid
),

rows_kurang as (
    select nip, corrected_period, paid_in_period, amount, 'KURANG_BAYAR' as kind,
           case when paid_in_period is null then 'OPEN' else 'DUE' end as status, null as offset_rule_id
    from kurang
),

rows_offset as (
    select nip, corrected_period, paid_in_period, -recovered as amount, 'LEBIH_BAYAR' as kind, 'DUE' as status,
           offset_rule_id
    from offsets
    where recovered > 0
),

rows_lebih_open as (
    select lebih.nip, lebih.corrected_period, cast(null as date) as paid_in_period,
           -(lebih.need - coalesce(sum(offsets.recovered), 0)) as amount, 'LEBIH_BAYAR' as kind, 'OPEN' as status,
           null as offset_rule_id
    from lebih
    left join offsets using (nip, corrected_period)
    group by lebih.nip, lebih.corrected_period, lebih.need
    having lebih.need > coalesce(sum(offsets.recovered), 0)
),

rows_written_off as (
    select nip, corrected_period, cast(null as date) as paid_in_period, -amount as amount, 'LEBIH_BAYAR' as kind,
           'WRITTEN_OFF' as status, null as offset_rule_id
    from written_off
),

rows_in_deferral as (   -- a deferred month corrected: the deferral's release pays the corrected amount
    select nip, corrected_period, cast(null as date) as paid_in_period, 0 as amount, 'DEFERRAL_CORRECTED' as kind,
           'IN_DEFERRAL' as status, null as offset_rule_id
    from differences
    where deferred_diff <> 0 and difference_amount = 0
),

ledger as (
    select * from rows_paid
    union all select * from rows_in_deferral
    union all select * from rows_written_off
    union all select * from rows_kurang
    union all select * from rows_offset
    union all select * from rows_lebih_open
)

select
    ledger.nip,
    ledger.corrected_period,
    ledger.paid_in_period,
    ledger.status,
    ledger.kind,
    cast(ledger.amount as bigint) as amount,
    cast(ledger.offset_rule_id as varchar) as offset_rule_id,
    -- the corrected month's difference (the same on each of its rows; sum amount, not these)
    cast(coalesce(differences.difference_amount, 0) as bigint) as difference_amount,
    cast(coalesce(differences.productivity_diff, 0) as bigint) as productivity_diff,
    cast(coalesce(differences.discipline_diff, 0) as bigint) as discipline_diff,
    cast(coalesce(differences.gross_diff, 0) as bigint) as gross_diff,
    cast(coalesce(differences.deferred_diff, 0) as bigint) as deferred_diff,
    cast(coalesce(differences.released_diff, 0) as bigint) as released_diff,
    cast(coalesce(differences.issued_payable_amount, 0) as bigint) as issued_payable_amount,
    cast(coalesce(differences.recomputed_payable_amount, 0) as bigint) as recomputed_payable_amount,
    coalesce(differences.reasons, ['CORRECTION_REVERSED']) as reasons,
    differences.issued_roster_row,
    differences.recomputed_roster_row,
    differences.issued_attendance_row,
    differences.recomputed_attendance_row,
    differences.issued_evaluation_record_id,
    differences.recomputed_evaluation_record_id,
    differences.issued_kelas_jabatan,
    differences.recomputed_kelas_jabatan,
    differences.issued_rule_ids,
    differences.recomputed_rule_ids
from ledger
left join differences
    on differences.nip = ledger.nip and differences.corrected_period = ledger.corrected_period
