-- Decisions that a lebih bayar still open is written off (not recovered by offset), e.g. as TGR (PP 38/2016).
select
    nip,
    corrected_period,
    amount,
    decision,
    recorded_at
from {{ source('issued', 'write_offs') }}
