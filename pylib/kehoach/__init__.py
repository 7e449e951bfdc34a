"""KeHoach CCHC: track Plan 365/KH-UBND of Bắc Kạn (administrative reform, 2023)."""

__version__ = "0.1.0"
