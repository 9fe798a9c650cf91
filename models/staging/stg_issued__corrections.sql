-- What each issued month paid of a correction of an earlier month (a lebih bayar may be recovered over months).
select
    nip,
    corrected_period,
    paid_in_period,
    amount,
    kind
from {{ source('issued', 'corrections') }}
