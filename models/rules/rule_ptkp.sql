-- PTKP per status (annual amount for the December recomputation) and the TER category it selects.
{{ dated_rule('rule_ptkp', key=['ptkp_status']) }}
