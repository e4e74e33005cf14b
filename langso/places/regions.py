"""The region (vùng) of each of the 63 pre-2025 provinces, by official province code.

The 2021-2025 criteria (318/QĐ-TTg) set thresholds for 7 regions. This assignment follows
the General Statistics Office's regions, with Trung Bộ split into its northern coast and
south-central coast as 318 does, and Quảng Ninh in the Red River Delta as the GSO has it
since 2006. Provinces can correct a region in the admin if their plan reads otherwise.
"""

from .models import Region

LEGACY_PROVINCE_REGIONS: dict[str, str] = {
    # Trung du và miền núi phía Bắc
    **dict.fromkeys(
        ["02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25"],
        Region.TDMNPB,
    ),
    # Đồng bằng sông Hồng
    **dict.fromkeys(
        ["01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"], Region.DBSH
    ),
    # Bắc Trung Bộ
    **dict.fromkeys(["38", "40", "42", "44", "45", "46"], Region.BTB),
    # Duyên hải Nam Trung Bộ
    **dict.fromkeys(["48", "49", "51", "52", "54", "56", "58", "60"], Region.DHNTB),
    # Tây Nguyên
    **dict.fromkeys(["62", "64", "66", "67", "68"], Region.TN),
    # Đông Nam Bộ
    **dict.fromkeys(["70", "72", "74", "75", "77", "79"], Region.DNB),
    # Đồng bằng sông Cửu Long
    **dict.fromkeys(
        ["80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96"],
        Region.DBSCL,
    ),
}
