-- The payout lines of each issued month, as issued.
select * from {{ source('issued', 'lines') }}
