"""Rupiah as Indonesians write it: dots between thousands."""


def thousands(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def rupiah(n) -> str:
    return f"Rp {thousands(n)}"
