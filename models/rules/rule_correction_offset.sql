-- How much of a month's TPP a lebih bayar (overpayment of an issued month) may take back by offset; the rest waits for later months, never paying below 0.
{{ dated_rule('rule_correction_offset', key=['policy']) }}
