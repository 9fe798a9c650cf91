-- The Indonesian text printed in Keterangan for each reason code of a payout line.
{{ dated_rule('rule_reason_text', key=['reason_code']) }}
