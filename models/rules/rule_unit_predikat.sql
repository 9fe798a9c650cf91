-- Each OPD's own predikat ('*' = default for every OPD).
{{ dated_rule('rule_unit_predikat', key=['opd_kode']) }}
