"""A synthetic province at the scale of Vietnam's largest: ~650 agencies, ~2,000 tasks.

``synthetic_province(agencies=650, tasks=2000, seed=365)`` returns a ``Plan`` (four appendices
of criteria and tasks) and a ``Directory``, deterministic for a seed. What it is made of:

- the directory: the default seed (``templates/co-quan.tsv``: Bắc Kạn's departments,
  districts, provincial bodies, groups, phrases that name no agency), plus generated
  departments, districts and communes up to ``agencies`` recipients, about 86% of them communes
  (a large province has ~27 districts and ~560 communes). At this scale the communes receive
  workbooks of their own: the group "UBND cấp xã" stands for every commune (``kind:commune``)
  instead of reaching them through their districts;
- the tasks: texts, timelines and agency texts drawn from Plan 365 itself, so the resolver
  reads the real phrasing ("Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã", "Các Sở: Nội vụ;
  Tư pháp", "UBND cấp huyện, cấp xã"…) in the plan's proportions (57% of its tasks reach the
  communes); one task in eight names particular districts and communes instead
  ("UBND huyện Tân Phú; UBND xã An Lạc, UBND phường Hòa Bình").
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace
from pathlib import Path

from kehoach.agencies.directory import Agency, Directory, read_seed
from kehoach.plan.importer import load_default_plan
from kehoach.plan.model import APPENDIX_IDS, Appendix, Criterion, Plan, Section, Task

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRECTORY = ROOT / "templates" / "co-quan.tsv"

_SYLLABLES = (  # noqa: SIM905
    "An Bình Cẩm Đại Đông Đức Hà Hải Hạ Hòa Hợp Hưng Kim Lạc Lâm Lộc Long Lợi Minh Nam Nghĩa "
    "Ngọc Phú Phúc Phước Quang Sơn Tân Tây Thái Thanh Thạnh Thắng Thịnh Thượng Tiến Trung Vân "
    "Vĩnh Xuân Yên Bắc Cao Châu Gia Khánh Lương Mỹ Nhân Phong Quảng Tường Văn Việt"
).split()
_EXTRA_DEPARTMENTS = (
    "Sở Ngoại vụ",
    "Ban Quản lý các khu công nghiệp tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng tỉnh",
    "Trường Cao đẳng Bắc Kạn",
    "Ban Quản lý Vườn quốc gia Ba Bể",
    "Trung tâm Xúc tiến đầu tư tỉnh",
    "Ban Quản lý rừng đặc dụng tỉnh",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "Quỹ Đầu tư phát triển tỉnh",
    "Ban Quản lý Khu kinh tế tỉnh",
    "Trung tâm Công nghệ thông tin tỉnh",
    "Ban Thi đua - Khen thưởng tỉnh",
    "Chi cục Văn thư - Lưu trữ tỉnh",
    "Trung tâm Khuyến nông tỉnh",
    "Trung tâm Nước sạch và Vệ sinh môi trường nông thôn tỉnh",
    "Trung tâm Kiểm soát bệnh tật tỉnh",
    "Trường Chính trị tỉnh",
)
COMMUNE_SHARE = 0.86
DISTRICT_SHARE = 0.042
SPECIFIC_SHARE = 1 / 8  # tasks naming particular districts and communes


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _Names:
    """Place names of two syllables, unique once diacritics and case are dropped (so file
    names and the resolver's keys never clash)."""

    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = set(taken)

    def new(self) -> str:
        for _ in range(10_000):
            name = " ".join(self.rng.sample(_SYLLABLES, 2))
            if _fold(name) not in self.taken:
                self.taken.add(_fold(name))
                return name
        raise RuntimeError("out of place names")


def synthetic_directory(agencies: int = 650, seed: int = 365) -> Directory:
    """The seed directory grown to ``agencies`` recipients (at least the seed's own), its
    groups named for the embedded plan's years."""
    rng = random.Random(seed)
    base = read_seed(SEED_DIRECTORY, load_default_plan().years)
    entries = [_commune_group(a) for a in base.agencies]
    have = sum(a.is_recipient for a in entries)
    extra = max(0, agencies - have)
    communes = min(extra, round(agencies * COMMUNE_SHARE))
    districts_now = sum(a.kind == "district" for a in entries)
    districts = min(extra - communes, max(0, round(agencies * DISTRICT_SHARE) - districts_now))
    departments = min(len(_EXTRA_DEPARTMENTS), extra - communes - districts)
    others = extra - communes - districts - departments
    names = _Names(rng, set())
    added: list[Agency] = []
    for i, name in enumerate(_EXTRA_DEPARTMENTS[:departments], start=1):
        added.append(Agency(f"SO-{i:02d}", name, "department"))
    for i in range(1, districts + 1):
        place = names.new()
        added.append(
            Agency(f"HUYEN-{i:02d}", f"UBND huyện {place}", "district", (), "", (f"UBND {place}",))
        )
    for i in range(1, others + 1):
        added.append(Agency(f"DV-{i:02d}", f"Trung tâm {names.new()}", "other"))
    for i in range(1, communes + 1):
        unit = rng.choices(("xã", "phường", "thị trấn"), (85, 10, 5))[0]
        added.append(Agency(f"XA-{i:03d}", f"UBND {unit} {names.new()}", "commune"))
    groups = [a for a in entries if not a.is_recipient]
    recipients = [a for a in entries if a.is_recipient]
    return Directory([*recipients, *added, *groups])


def _commune_group(agency: Agency) -> Agency:
    """ "UBND cấp xã" stands for every commune: at this scale each receives its own workbook."""
    if agency.kind == "group" and agency.commune:
        return replace(agency, members=("kind:commune",), commune=False)
    return agency


def _specific_text(rng: random.Random, directory: Directory) -> str:
    districts = [a for a in directory.agencies if a.kind == "district"]
    communes = [a for a in directory.agencies if a.kind == "commune"]
    departments = [a for a in directory.agencies if a.kind == "department"]
    parts: list[str] = []
    if rng.random() < 0.4 and departments:
        parts.append(rng.choice(departments).name)
    if districts:
        parts.append(", ".join(a.name for a in rng.sample(districts, min(2, len(districts)))))
    if communes:
        picked = rng.sample(communes, min(rng.randint(1, 4), len(communes)))
        parts.append(", ".join(a.name for a in picked))
    return "; ".join(parts)


def synthetic_plan(directory: Directory, tasks: int = 2000, seed: int = 365) -> Plan:
    """A plan of ``tasks`` tasks over four appendices, its words taken from Plan 365."""
    rng = random.Random(seed + 1)
    real = load_default_plan()
    pool = [(c, t) for _a, _s, c, t in real.iter_tasks()]
    sections_per_appendix = 8
    plan = Plan(
        real.number,
        real.date,
        real.title,
        real.issuer,
        base_year=real.base_year,
        target_year=real.target_year,
        province=real.province,
    )
    per_appendix = [tasks // 4 + (1 if i < tasks % 4 else 0) for i in range(4)]
    for appendix_id, count in zip(APPENDIX_IDS, per_appendix, strict=True):
        appendix = Appendix(appendix_id, real.appendix(appendix_id).title)
        plan.appendices.append(appendix)
        made = 0
        s = 0
        while made < count:
            s += 1
            section = Section(str(s), rng.choice(real.appendix(appendix_id).sections).title)
            appendix.sections.append(section)
            per_section = -(-count // sections_per_appendix)
            c = 0
            while made < count and sum(len(x.tasks) for x in section.criteria) < per_section:
                c += 1
                source, _ = rng.choice(pool)
                code = f"{s}.{c}"
                criterion = Criterion(
                    f"{appendix_id}-TC-{code}",
                    f"TC {code}",
                    source.name,
                    source.max,
                    source.score_base,
                    source.target,
                    source.target_text,
                    source.survey,
                    tt=str(c),
                )
                section.criteria.append(criterion)
                for k in range(1, min(rng.randint(1, 5), count - made) + 1):
                    _, task = rng.choice(pool)
                    lead, coordinating = task.lead, task.coordinating
                    if rng.random() < SPECIFIC_SHARE:
                        lead = _specific_text(rng, directory)
                    criterion.tasks.append(
                        Task(
                            f"{criterion.id}/{k}",
                            task.text,
                            lead,
                            coordinating,
                            task.timeline,
                        )
                    )
                    made += 1
    return plan


def synthetic_province(
    agencies: int = 650, tasks: int = 2000, seed: int = 365
) -> tuple[Plan, Directory]:
    """The plan and the directory of a synthetic province (deterministic for ``seed``)."""
    directory = synthetic_directory(agencies, seed)
    return synthetic_plan(directory, tasks, seed), directory
