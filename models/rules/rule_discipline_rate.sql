-- Deduction per attendance code and occurrence, percent of the discipline share.
{{ dated_rule('rule_discipline_rate', key=['attendance_code']) }}
