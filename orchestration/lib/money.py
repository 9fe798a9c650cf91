"""Rupiah as Indonesians write it: dots between thousands."""


def thousands(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def rupiah(n) -> str:
    return f"Rp {thousands(n)}"


# Spreadsheet number formats tagged Indonesian ([$-421]): LibreOffice then prints 17.322.336.739 and 80,00 whatever
# the reader's own locale, instead of leaving the separators to the viewer.
XLSX_INTEGER = "[$-421]#,##0"
XLSX_DECIMAL = "[$-421]0.00"
