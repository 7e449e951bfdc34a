"""A small hand-built plan with every shape the master workbook must carry.

PL1: sections without groups, a criterion with words as target, survey mark, an
inherited target, variants (of a number target and of words), tasks with inherited and
misplaced fields, a criterion without tasks, a criterion with both a number and words
as target, a task whose text starts with "=". PL2: four decimals. PL3: totals, groups
I and II. PL4: totals and section figures.
"""

from __future__ import annotations

from kehoach.plan.model import Appendix, Criterion, Plan, Section, Task, Totals, Variant


def small_plan() -> Plan:
    pl1 = Appendix(
        id="PL1",
        title="Phụ lục 1. MỤC TIÊU DUY TRÌ",
        sections=[
            Section(
                id="I",
                title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
                line=10,
                criteria=[
                    Criterion(
                        id="PL1-TC-1.1",
                        code="TC 1.1",
                        name="Thực hiện kế hoạch CCHC",
                        max=1.5,
                        target_text="100% nhiệm vụ được hoàn thành",
                        tt="1",
                        line=11,
                        tasks=[
                            Task(
                                id="PL1-TC-1.1/1",
                                text="Theo dõi, đôn đốc\nthực hiện kế hoạch",
                                lead="Sở Nội vụ",
                                coordinating="Các sở, ban, ngành; UBND cấp huyện",
                                timeline="Năm 2023",
                                line=11,
                            ),
                            Task(
                                id="PL1-TC-1.1/2",
                                text="=Tổng hợp kết quả",
                                lead="Sở Nội vụ",
                                coordinating="Các sở, ban, ngành; UBND cấp huyện",
                                timeline="Tháng 12/2023",
                                inherited=["lead", "coordinating"],
                                line=12,
                            ),
                        ],
                    ),
                    Criterion(
                        id="PL1-TC-1.2",
                        code="TC 1.2",
                        name="Công tác kiểm tra CCHC",
                        max=2.0,
                        target_text="100% nhiệm vụ được hoàn thành",
                        tt="2",
                        survey=True,
                        inherited=["target_text"],
                        variants=[
                            Variant("name", "Công tác kiểm tra cải cách hành chính", 14),
                            Variant("target_text", "Hoàn thành 100%: đúng hạn", 14),
                        ],
                        line=13,
                        tasks=[
                            Task(
                                id="PL1-TC-1.2/1",
                                text="Kiểm tra tại các đơn vị",
                                lead="Thường xuyên",
                                timeline="Văn phòng UBND tỉnh",
                                misplaced=["lead", "timeline"],
                                line=13,
                            )
                        ],
                    ),
                ],
            ),
            Section(
                id="II",
                title="CẢI CÁCH THỂ CHẾ",
                line=20,
                criteria=[
                    Criterion(
                        id="PL1-TC-2.3",
                        code="TC 2.3",
                        name="Xử lý văn bản trái pháp luật",
                        max=1.5,
                        target=1.5,
                        target_text="Xử lý 100% văn bản",
                        tt="1",
                        line=21,
                    ),
                    Criterion(
                        id="PL1-TC-2.4",
                        code="TC 2.4",
                        name="Tiêu chí có biến thể số",
                        max=1.0,
                        target=1.0,
                        tt="2",
                        variants=[Variant("target", "0,75", 23), Variant("max", "1,00", 23)],
                        line=22,
                    ),
                ],
            ),
        ],
    )
    pl2 = Appendix(
        id="PL2",
        title="Phụ lục 2. KHẮC PHỤC",
        sections=[
            Section(
                id="VII",
                title="XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ",
                line=30,
                criteria=[
                    Criterion(
                        id="PL2-TCTP-7.1.4",
                        code="TCTP 7.1.4",
                        name="Tỷ lệ dịch vụ dữ liệu",
                        max=1.0,
                        score_base=0.6,
                        target=1.0,
                        tt="2",
                        line=31,
                        tasks=[
                            Task(
                                id="PL2-TCTP-7.1.4/1",
                                text="Đảm bảo 100% dịch vụ dữ liệu",
                                lead="Sở Thông tin và Truyền thông",
                                coordinating="Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
                                timeline="Thường xuyên",
                                line=31,
                            )
                        ],
                    ),
                    Criterion(
                        id="PL2-TC-7.2",
                        code="TC 7.2",
                        name="Tiêu chí bốn chữ số thập phân",
                        max=0.5,
                        score_base=0.1234,
                        target=0.5,
                        tt="3",
                        line=32,
                    ),
                ],
            )
        ],
    )
    pl3_sections = [
        Section(
            id="I.1",
            title="Trách nhiệm giải trình",
            max=100.0,
            score_base=76.15,
            target=86.15,
            group="I",
            group_title="NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH",
            line=40,
            criteria=[
                Criterion(
                    id="PL3-I-1.1",
                    code="1.1",
                    name="Hình thức cung cấp thông tin",
                    max=100.0,
                    score_base=75.59,
                    target=85.59,
                    tt="1.1",
                    line=41,
                    tasks=[
                        Task(
                            id="PL3-I-1.1/1",
                            text="Cung cấp thông tin đầy đủ",
                            lead="Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
                            coordinating="Văn phòng UBND tỉnh",
                            timeline="Thường xuyên",
                            line=41,
                        )
                    ],
                )
            ],
        ),
        Section(
            id="I.2",
            title="Cơ hội tham gia",
            max=100.0,
            score_base=73.85,
            target=83.85,
            group="I",
            group_title="NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH",
            line=42,
        ),
        Section(
            id="II.1",
            title="Tiếp cận dịch vụ",
            max=100.0,
            score_base=76.21,
            target=86.21,
            group="II",
            group_title="NHÓM TIÊU CHÍ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG",
            line=50,
            criteria=[
                Criterion(
                    id="PL3-II-1.1",
                    code="1.1",
                    name="Cung cấp thông tin về giải quyết TTHC",
                    max=100.0,
                    score_base=74.98,
                    target=84.98,
                    tt="1.1",
                    line=51,
                    tasks=[
                        Task(
                            id="PL3-II-1.1/1",
                            text="Cung cấp thông tin chính xác",
                            lead="Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã",
                            coordinating="Văn phòng UBND tỉnh",
                            timeline="Thường xuyên",
                            inherited=["lead", "coordinating", "timeline"],
                            line=52,
                        )
                    ],
                )
            ],
        ),
    ]
    pl3 = Appendix(
        id="PL3",
        title="Phụ lục 3. CHỈ SỐ HÀI LÒNG",
        total=Totals(100.0, 75.24, 85.24),
        sections=pl3_sections,
    )
    pl4 = Appendix(
        id="PL4",
        title="Phụ lục 4. CHỈ SỐ PAPI",
        total=Totals(80.0, 42.41, 58.57),
        sections=[
            Section(
                id="1",
                title="Chỉ số nội dung “Tham gia của người dân ở cấp cơ sở”",
                max=10.0,
                score_base=5.39,
                target=9.63,
                line=60,
                criteria=[
                    Criterion(
                        id="PL4-1.1",
                        code="1.1",
                        name="Tri thức công dân",
                        max=2.5,
                        score_base=1.06,
                        target=1.56,
                        tt="1.1",
                        line=61,
                        tasks=[
                            Task(
                                id="PL4-1.1/1",
                                text="Đẩy mạnh tuyên truyền",
                                lead="Sở Tư pháp; UBND cấp huyện, cấp xã",
                                coordinating="Sở Văn hóa, Thể thao và Du lịch",
                                timeline="Thường xuyên",
                                line=61,
                            )
                        ],
                    )
                ],
            )
        ],
    )
    return Plan(
        number="365/KH-UBND",
        date="2023-06-08",
        title="Khắc phục những tồn tại, hạn chế các chỉ số năm 2022",
        issuer="UBND tỉnh Bắc Kạn",
        appendices=[pl1, pl2, pl3, pl4],
        base_year=2022,
        target_year=2023,
        province="Bắc Kạn",
    )


def lines(plan: Plan) -> list[tuple[str, int]]:
    """Every section, criterion and task with its line (``to_dict`` leaves lines out)."""
    out: list[tuple[str, int]] = []
    for a in plan.appendices:
        for s in a.sections:
            out.append((f"{a.id}-{s.id}", s.line))
            for c in s.criteria:
                out.append((c.id, c.line))
                out.extend((t.id, t.line) for t in c.tasks)
    return out
