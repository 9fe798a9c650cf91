-- Disciplinary sanctions from SIASN (/pns/rw-hukdis), one row per record per fetch (a re-sent copy of the same
-- fetch kept once). Few records: a view. int_sanction_month takes, for each month, what the fetches up to its
-- payroll cutoff show.
with source as (
    select * from {{ source('raw', 'hukdis') }}
),

renamed as (
    select
        nip,
        record_id,
        jenis_hukuman_id,
        tingkat_hukuman_id,
        tmt_hukuman,
        akhir_hukuman,
        cast(masa_bulan as integer) as masa_bulan,
        sk_nomor,
        sk_tanggal,
        sk_pembatalan_nomor,
        fetched_at,
        _source_file as source_file,
        _source_line as source_line,
        _record_index as record_index,
        _file_sha256 as file_sha256
    from source
),

deduplicated as (
    {{ one_per_fetched_record('renamed') }}
)

select * from deduplicated
