-- The issued (locked) months: their payout is history (DOMAIN.md section 8).
select
    period,
    issued_at,
    issued_by_run,
    lines,
    payable_amount,
    facts_fingerprint
from {{ source('issued', 'months') }}
