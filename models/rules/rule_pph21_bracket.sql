-- Pasal 17 brackets of the annual PPh 21 recomputation (December).
{{ dated_rule('rule_pph21_bracket', key=['bracket_no']) }}
