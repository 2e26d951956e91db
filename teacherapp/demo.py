"""Realistic demo data: two schools, four courses on both tracks, about 60 pupils."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from teacherapp.extensions import db
from teacherapp.models import (
    Absence,
    AssessmentContext,
    ContentItem,
    ContentKind,
    ContentView,
    Course,
    CourseTeacher,
    CourseType,
    Criterion,
    Enrolment,
    ExamMoment,
    Exemption,
    ExemptionKind,
    GenericTestResult,
    Level,
    PaymentMethod,
    Pupil,
    Recognition,
    RecognitionBasis,
    Role,
    Rubric,
    School,
    SchoolMembership,
    Score,
    SkillAssessment,
    Subject,
    SubjectKind,
    User,
)
from teacherapp.passwords import hash_password
from teacherapp.rules import trimester_of

DEMO_PASSWORD = "demo-wachtwoord-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    description: str


DEMO_LOGINS = [
    DemoLogin("secretariaat@vts.demo", "secretariat", "VTS secretariat"),
    DemoLogin("an.peeters@school.demo", "teacher",
              "recognised for Start 2 Coach and Hoger Redder; two courses"),
    DemoLogin("bram.declercq@school.demo", "teacher",
              "recognised for Coach 4 Skills and Multimove (and S2C on track 2); other courses"),
    DemoLogin("els.wouters@school.demo", "teacher", "not recognised: sees no courses"),
    DemoLogin("coordinator@sintjozefscollege.demo", "school_coordinator",
              "school coordinator of Sint-Jozefscollege Hasselt"),
    DemoLogin("coordinator@atheneumbrugge.demo", "school_coordinator",
              "school coordinator of Koninklijk Atheneum Brugge"),
]

FIRST_NAMES = [
    "Lotte", "Noah", "Zoë", "Hélène", "Arne", "Lien", "Wout", "Fien", "Seppe", "Maëlle", "Jules",
    "Ines", "Lars", "Noor", "Kobe", "Febe", "Mats", "Elise", "Jasper", "Amélie", "Robbe", "Yana",
    "Ward", "Lore", "Milan", "Chloë", "Tuur", "Nina", "Stan", "Hanne", "Rune", "Emma", "Vic",
    "Julie", "Senne", "Axelle", "Lucas", "Marthe", "Gust", "Aline",
]
LAST_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Dubois", "Vermeulen", "Van den Broeck", "Lambrechts", "De Clercq",
    "Hermans", "Aerts", "Van Damme", "Desmet", "Vandenberghe", "D'Hondt", "Verhoeven", "Smets",
    "Cools", "Coppens", "Bogaert", "Van Acker", "Segers",
]

LEVELS = [
    (1, "Onvoldoende", Decimal(0)),
    (2, "Voldoende", Decimal(1)),
    (3, "Goed", Decimal(2)),
    (4, "Zeer goed", Decimal(3)),
]


def demo_present() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_LOGINS[0].email)) is not None


def seed_demo() -> bool:
    """Create the demo data once; returns False when it was already there."""
    if demo_present():
        return False
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)

    school_a = School(name="Sint-Jozefscollege", city="Hasselt", institution_number="012345")
    school_b = School(name="Koninklijk Atheneum", city="Brugge", institution_number="034567",
                      has_bk_curriculum=True)
    db.session.add_all([school_a, school_b])

    types = {
        "S2C": CourseType(code="S2C", name="Start 2 Coach", hours=15, minimum_age=15,
                          fee=Decimal(15), refresher_group="S2C"),
        "MM": CourseType(code="MM", name="Multimovebegeleider", hours=16, minimum_age=16,
                         fee=Decimal(15), refresher_group="MM-C4S"),
        "C4S": CourseType(code="C4S", name="Coach 4 Skills", hours=60, minimum_age=16,
                          fee=Decimal(45), refresher_group="MM-C4S", has_internship=True),
        "HR": CourseType(code="HR", name="Hoger Redder", hours=64, minimum_age=17,
                         fee=Decimal(45), refresher_group="HR"),
        "INI-VB": CourseType(code="INI-VB", name="Initiator volleybal", sport="volleybal",
                             hours=40, minimum_age=16, fee=Decimal(45), refresher_group="INI-VB",
                             has_internship=True,
                             admission_requirement="Sporttechnische proef volleybal: bovenhandse "
                                                   "opslag en receptie"),
    }
    db.session.add_all(types.values())

    def user(email: str, name: str, role: Role) -> User:
        u = User(email=email, full_name=name, password_hash=password_hash, role=role)
        db.session.add(u)
        return u

    secretariat = user(DEMO_LOGINS[0].email, "Sofie Verstraete (VTS)", Role.SECRETARIAT)
    an = user(DEMO_LOGINS[1].email, "An Peeters", Role.TEACHER)
    bram = user(DEMO_LOGINS[2].email, "Bram De Clercq", Role.TEACHER)
    els = user(DEMO_LOGINS[3].email, "Els Wouters", Role.TEACHER)
    coordinator_a = user(DEMO_LOGINS[4].email, "Karen Hendrickx", Role.SCHOOL_COORDINATOR)
    coordinator_b = user(DEMO_LOGINS[5].email, "Pieter Van Hecke", Role.SCHOOL_COORDINATOR)
    db.session.flush()
    # Each coordinator works for her school; the teachers are on their school's staff.
    db.session.add_all([SchoolMembership(user_id=member.id, school_id=school.id)
                        for member, school in ((coordinator_a, school_a), (an, school_a),
                                               (els, school_a), (coordinator_b, school_b),
                                               (bram, school_b))])

    def recognise(teacher: User, code: str, basis: RecognitionBasis, day: date | None) -> None:
        db.session.add(Recognition(teacher_id=teacher.id, course_type_id=types[code].id,
                                   basis=basis, refresher_training_date=day,
                                   granted_by_id=secretariat.id))

    recognise(an, "S2C", RecognitionBasis.LO_QUALIFICATION, date(2026, 5, 20))
    recognise(an, "HR", RecognitionBasis.LO_QUALIFICATION, date(2026, 6, 3))
    recognise(bram, "MM", RecognitionBasis.VTS_QUALIFICATION, date(2026, 6, 10))
    recognise(bram, "C4S", RecognitionBasis.VTS_QUALIFICATION, date(2026, 6, 10))
    recognise(bram, "S2C", RecognitionBasis.AUTOMATIC_TRACK2, None)

    rubrics = {code: _rubric(types[code]) for code in ("S2C", "HR", "C4S")}
    for code, titles in CONTENT.items():
        for position, (external_id, title, kind) in enumerate(titles, start=1):
            db.session.add(ContentItem(course_type=types[code], title=title, kind=kind,
                                       external_id=external_id, position=position))
    db.session.flush()

    plans = [
        # (school, type, track, group, start, teacher, pupils)
        (school_a, "S2C", 1, "5 Sport", date(2026, 9, 14), an, 24),
        (school_a, "HR", 1, "6 Sport", date(2026, 10, 5), an, 14),
        (school_b, "C4S", 1, "6 Sportwetenschappen", date(2026, 9, 21), bram, 12),
        # Track 2 (BK, S2C or MM only) from the 6th year: before it, the regulation puts the
        # course under track 1.
        (school_b, "S2C", 2, "6 Sport- en bewegingsleider", date(2026, 9, 7), bram, 10),
    ]
    used_names: set[tuple[str, str]] = set()
    account = 100000
    for school, code, track, group, start, teacher, count in plans:
        course = Course(course_type=types[code], school=school, school_year="2026-2027",
                        track=track, start_date=start, group_name=group)
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseTeacher(course_id=course.id, teacher_id=teacher.id,
                                     linked_by_id=secretariat.id))
        subjects = _subjects(course, code, rubrics.get(code))
        minimum_age = types[code].minimum_age
        for index in range(count):
            while True:
                name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                if name not in used_names:
                    used_names.add(name)
                    break
            age = minimum_age + rng.choice([0, 0, 1, 1, 2])
            birth = date(start.year - age, rng.randint(1, 12), rng.randint(1, 28))
            account += 1
            pupil = Pupil(first_name=name[0], last_name=name[1], birth_date=birth, school=school,
                          vts_account_id=f"VTS-{account}",
                          email=f"{name[0].lower()}.{account}@leerling.demo")
            enrolment = Enrolment(pupil=pupil, course=course,
                                  enrolled_at=datetime(start.year, 9, 20, 10, tzinfo=UTC),
                                  school_grade=int(group[0]), school_semester=1)
            paid = True
            if code == "S2C" and track == 1 and index == 3:
                paid = False  # the unpaid pupil: no exam possible
            if code == "HR" and index == 5:
                pupil.birth_date = date(start.year - 16, 3, 14)  # too young for Hoger Redder
            if code == "S2C" and track == 1 and index == 7:
                enrolment.passed_before = True  # passed S2C in an earlier year
            if paid:
                enrolment.paid_at = datetime(start.year, 9, 25, 12, tzinfo=UTC)
                enrolment.payment_method = (PaymentMethod.SCHOOL_CODE if school is school_a
                                            else PaymentMethod.INDIVIDUAL)
                if school is school_a:
                    enrolment.payment_code = "SJC-2026-" + str(account)[-3:]
            db.session.add_all([pupil, enrolment])
            db.session.flush()
            _views(rng, pupil, types[code], start)
            if code == "C4S" and index == 2:
                db.session.add(Exemption(enrolment_id=enrolment.id, subject_id=subjects[0].id,
                                         kind=ExemptionKind.EXEMPTION,
                                         reason="Theorie al geslaagd in de opleiding LO (attest)",
                                         created_by_id=secretariat.id))
            if code == "HR" and index == 1:
                db.session.add(Exemption(enrolment_id=enrolment.id, subject_id=subjects[0].id,
                                         kind=ExemptionKind.REPEATER_KEPT,
                                         reason="Bisser: theorie geslaagd in 2025-2026",
                                         created_by_id=secretariat.id))
            if code == "HR" and paid and index not in (5,) and index < 9:
                _hr_first_sitting(rng, enrolment, subjects, teacher, index)
            if track == 1 and paid and index % 3 == 0:  # took the generic competence test
                db.session.add(GenericTestResult(
                    enrolment_id=enrolment.id, passed=index % 2 == 0, source="import",
                    taken_at=datetime(start.year, 12, 4, 10, tzinfo=UTC)))
    db.session.commit()
    return True


CONTENT: dict[str, list[tuple[str, str, ContentKind]]] = {
    "S2C": [
        ("s2c-el-01", "E-learning: de rol van de coach", ContentKind.ELEARNING),
        ("s2c-el-02", "E-learning: een training opbouwen", ContentKind.ELEARNING),
        ("s2c-txt-01", "Cursustekst Start 2 Coach", ContentKind.COURSE_TEXT),
        ("s2c-rub-01", "Rubric: training geven", ContentKind.RUBRIC),
        ("s2c-sl-01", "Slides: veilig sporten", ContentKind.SLIDES),
    ],
    "HR": [
        ("hr-el-01", "E-learning: reanimatie en AED", ContentKind.ELEARNING),
        ("hr-el-02", "E-learning: toezicht aan het zwembad", ContentKind.ELEARNING),
        ("hr-txt-01", "Cursustekst Hoger Redder", ContentKind.COURSE_TEXT),
        ("hr-vid-01", "Video: redtechnieken", ContentKind.VIDEO),
        ("hr-rub-01", "Rubric: redden in het zwembad", ContentKind.RUBRIC),
    ],
    "C4S": [
        ("c4s-el-01", "E-learning: motorisch leren", ContentKind.ELEARNING),
        ("c4s-el-02", "E-learning: differentiëren", ContentKind.ELEARNING),
        ("c4s-txt-01", "Cursustekst Coach 4 Skills", ContentKind.COURSE_TEXT),
        ("c4s-sl-01", "Slides: stage voorbereiden", ContentKind.SLIDES),
        ("c4s-rub-01", "Rubric: skills coachen", ContentKind.RUBRIC),
        ("c4s-el-03", "E-learning: feedback geven", ContentKind.ELEARNING),
    ],
    "MM": [
        ("mm-el-01", "E-learning: Multimove-principes", ContentKind.ELEARNING),
        ("mm-txt-01", "Cursustekst Multimovebegeleider", ContentKind.COURSE_TEXT),
    ],
}

CRITERIA = {
    "S2C": [
        ("Organisatie", "Zet de oefening veilig en vlot op", [
            "Oefening staat niet klaar; veel wachttijd", "Oefening staat klaar, enkele wachtmomenten",
            "Vlotte opbouw, weinig wachttijd", "Vlot, veilig en met variatie voor iedereen"]),
        ("Instructie", "Geeft korte, duidelijke uitleg", [
            "Uitleg onduidelijk of te lang", "Uitleg begrijpelijk maar lang",
            "Korte uitleg met demonstratie", "Kort, helder, demonstratie en controle van begrip"]),
        ("Feedback", "Geeft gerichte feedback", [
            "Geen feedback", "Algemene feedback (goed zo)", "Gerichte feedback op de techniek",
            "Gerichte feedback, individueel en positief geformuleerd"]),
        ("Veiligheid", "Bewaakt de veiligheid", [
            "Gevaarlijke situaties niet opgemerkt", "Reageert op gevaar",
            "Voorkomt de meeste gevaren", "Anticipeert en legt veiligheidsregels uit"]),
        ("Motivatie", "Houdt de groep actief en gemotiveerd", [
            "Groep haakt af", "Groep doet mee met sturing", "Groep is actief",
            "Groep is actief en enthousiast"]),
    ],
    "HR": [
        ("Inschatting", "Schat de situatie juist in", [
            "Herkent het gevaar niet", "Herkent het gevaar laat", "Herkent het gevaar tijdig",
            "Herkent en communiceert meteen"]),
        ("Benadering", "Benadert het slachtoffer veilig", [
            "Onveilige sprong of benadering", "Veilige sprong, trage benadering",
            "Veilige en snelle benadering", "Optimale keuze van sprong en route"]),
        ("Vervoer", "Vervoert het slachtoffer 25 m", [
            "Haalt 25 m niet", "25 m met onderbrekingen", "25 m met correcte greep",
            "25 m vlot, hoofd altijd boven water"]),
        ("Uit het water", "Haalt het slachtoffer uit het water", [
            "Lukt niet", "Lukt met hulp", "Lukt alleen", "Lukt alleen, vlot en veilig"]),
        ("Reanimatie", "Start reanimatie en AED", [
            "Verkeerde volgorde", "Juiste volgorde, onvoldoende diepte",
            "Correcte compressies en beademing", "Correct, AED snel en juist ingezet"]),
    ],
    "C4S": [
        ("Lesvoorbereiding", "Bereidt de sessie schriftelijk voor", [
            "Geen voorbereiding", "Summiere voorbereiding", "Volledige voorbereiding",
            "Volledig, met differentiatie"]),
        ("Skills aanleren", "Bouwt een skill methodisch op", [
            "Geen opbouw", "Opbouw in grote stappen", "Methodische opbouw",
            "Methodisch en aangepast aan het niveau"]),
        ("Differentiatie", "Past aan aan verschillen", [
            "Iedereen hetzelfde", "Eén aanpassing", "Meerdere aanpassingen",
            "Vlot aanpassen tijdens de les"]),
        ("Evaluatie", "Observeert en evalueert", [
            "Geen observatie", "Observeert af en toe", "Observeert gericht",
            "Observeert en stuurt bij"]),
    ],
}


def _rubric(course_type: CourseType) -> Rubric:
    rubric = Rubric(course_type=course_type, name=f"Praktijk {course_type.name}",
                    description="Vier niveaus per vaardigheid.")
    for position, (name, description, descriptors) in enumerate(CRITERIA[course_type.code], 1):
        criterion = Criterion(name=name, description=description, position=position)
        for (rank, label, points), descriptor in zip(LEVELS, descriptors, strict=True):
            criterion.levels.append(Level(rank=rank, label=label, descriptor=descriptor,
                                          points=points))
        rubric.criteria.append(criterion)
    db.session.add(rubric)
    return rubric


def _subjects(course: Course, code: str, rubric: Rubric | None) -> list[Subject]:
    specs = {
        "S2C": [("Theorie", SubjectKind.THEORY, 20, 10), ("Praktijk", SubjectKind.PRACTICAL, 20, 10),
                ("Permanente evaluatie", SubjectKind.PERMANENT, 10, 5)],
        "HR": [("Theorie EHBO en reddend zwemmen", SubjectKind.THEORY, 20, 10),
               ("Praktijk zwembad", SubjectKind.PRACTICAL, 20, 12),
               ("Permanente evaluatie", SubjectKind.PERMANENT, 10, 5)],
        "C4S": [("Theorie", SubjectKind.THEORY, 20, 10), ("Praktijk", SubjectKind.PRACTICAL, 20, 10),
                ("Stage", SubjectKind.PERMANENT, 20, 10)],
    }[code]
    subjects: list[Subject] = []
    for position, (name, kind, maximum, pass_mark) in enumerate(specs, 1):
        subject = Subject(course=course, name=name, kind=kind, maximum=Decimal(maximum),
                          pass_mark=Decimal(pass_mark), position=position,
                          rubric=rubric if kind == SubjectKind.PRACTICAL else None)
        first = course.start_date + timedelta(weeks=8 + position)
        second = first + timedelta(weeks=10)
        for sitting, day in ((1, first), (2, second)):
            subject.exam_moments.append(ExamMoment(sitting=sitting, exam_date=day,
                                                   trimester=trimester_of(day)))
        db.session.add(subject)
        subjects.append(subject)
    db.session.flush()
    return subjects


def _views(rng: random.Random, pupil: Pupil, course_type: CourseType, start: date) -> None:
    items = db.session.scalars(
        select(ContentItem).where(ContentItem.course_type_id == course_type.id)
        .order_by(ContentItem.position)
    ).all()
    diligence = rng.random()
    for item in items:
        if rng.random() > diligence + 0.15:
            continue
        first = datetime(start.year, start.month, start.day, 16, tzinfo=UTC) + timedelta(
            days=rng.randint(1, 40), minutes=rng.randint(0, 600))
        progress = rng.choice([15, 40, 70, 100, 100, 100])
        db.session.add(ContentView(pupil=pupil, content_item=item, first_viewed_at=first,
                                   last_viewed_at=first + timedelta(days=rng.randint(0, 12)),
                                   progress=progress, completed=progress == 100))


def _hr_first_sitting(rng: random.Random, enrolment: Enrolment, subjects: list[Subject],
                      teacher: User, index: int) -> None:
    """The lifeguard course's first sitting is under way: some scores and levels exist."""
    when = datetime(2026, 11, 18, 10, tzinfo=UTC)
    for subject in subjects[1:]:
        if index == 4 and subject.kind == SubjectKind.PRACTICAL:
            db.session.add(Score(enrolment=enrolment, subject=subject, sitting=1,
                                 absence=Absence.ABSENT, updated_by_id=teacher.id, updated_at=when))
            continue
        value = Decimal(rng.randint(int(subject.pass_mark) - 4, int(subject.maximum)))
        value = min(max(value, Decimal(0)), subject.maximum)
        db.session.add(Score(enrolment=enrolment, subject=subject, sitting=1, value=value,
                             updated_by_id=teacher.id, updated_at=when))
    rubric = subjects[1].rubric
    if rubric is not None and index < 4:
        for criterion in rubric.criteria:
            level = rng.choice(criterion.levels[1:])
            db.session.add(SkillAssessment(enrolment=enrolment, criterion=criterion, level=level,
                                           context=AssessmentContext.EXAM,
                                           assessed_by_id=teacher.id, assessed_at=when))
