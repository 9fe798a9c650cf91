-- PPh 21 effective monthly rates (TER) per category A/B/C, "above lower, up to and including upper", in basis points (PP 58/2023 Lampiran); January-November.
{{ dated_rule('rule_pph21_ter', key=['category', 'row_no']) }}
