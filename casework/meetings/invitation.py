"""Letters to the parties about a round table, as Word documents: the invitation
(convocation), the « nouvelle date » letter when it was moved, and the cancellation letter.

Pure: data in, bytes out — no database, no request. The party's language chooses the text:
French or English (``LANGUAGES``). A party who prefers another language gets the French
letter with, at its top, one line in their language offering an interpreter
(``INTERPRETER``): never a French letter passed off as theirs. Dates read the French way in
French: « mardi 3 mars 2026 à 18 h 00 », « le 1er mars ».

The letters name nobody but the addressee and the mediator who signs: the other parties
are counted (« l’autre partie », « les autres parties concernées »), not named, and the
reason of a cancellation (often private) is never written.
"""
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from babel.dates import format_datetime
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..core.clock import utcnow
from ..core.documents import plain_date as dated
from ..core.documents import (Organisation, a4_page, city_of, document_properties, letterhead, long_date,
                              new_document, right_aligned, to_bytes, window_address,
                              word_safe)

KINDS = ("invitation", "new_date", "cancellation")
NBSP = "\u00a0"
NNBSP = "\u202f"
# Days before the meeting by which the party is asked to reply.
REPLY_DAYS = 3

TEXT = {
    "fr": {
        "subject": {
            "invitation": f"Objet{NBSP}: invitation à une rencontre de médiation (table ronde)",
            "new_date": f"Objet{NBSP}: nouvelle date de la rencontre de médiation (table ronde)",
            "changed": f"Objet{NBSP}: changement pour la rencontre de médiation (table ronde)",
            "cancellation": f"Objet{NBSP}: annulation de la rencontre de médiation "
                            "(table ronde)",
        },
        "reference": "Dossier n° {reference}",
        "made_in": "{city}, le {today}",
        "greeting": {"mme": "Madame,", "m": "Monsieur,", "": "Madame, Monsieur,"},
        "invite": ("Vous avez accepté de rechercher, avec l’aide de notre service de "
                   "médiation, une solution au différend qui vous concerne. Nous vous invitons "
                   "à une rencontre {with_whom}{NBSP}:"),
        "with_whom": {0: "avec l’équipe de médiation",
                      1: "avec l’autre partie, en présence de l’équipe de médiation",
                      2: "avec les autres parties concernées, en présence de l’équipe de "
                         "médiation"},
        "new_date": ("Nous avons dû déplacer la rencontre de médiation qui était prévue le "
                     "{old}. Cette lettre remplace notre précédent courrier{NBSP}: la rencontre "
                     "aura lieu à la nouvelle date ci-dessous{NBSP}:"),
        "changed": ("L’organisation de la rencontre de médiation du {old} a changé. Cette "
                    "lettre remplace notre précédent courrier{NBSP}; voici les informations à "
                    "jour{NBSP}:"),
        "cancellation": ("Nous sommes au regret de vous informer que la rencontre de médiation "
                         "qui était prévue le {old} est annulée. Cette lettre remplace notre "
                         "précédent courrier."),
        "cancellation_next": ("L’équipe de médiation reprendra contact avec vous si une "
                              "nouvelle rencontre est envisagée."),
        "cancelled_mark": "annulée",
        "when": "Date et heure",
        "where": "Lieu",
        "length": "Durée prévue",
        "length_value": "environ {hours}",
        "free": "La rencontre est gratuite et confidentielle.",
        "accompanied": ("Vous pouvez venir avec une personne de confiance (un proche, un "
                        "interprète){NBSP}; merci de nous le dire en confirmant votre venue, "
                        "afin que chacun en soit informé."),
        "confirm": ("Merci de nous confirmer votre venue avant le {reply_by}, ou de nous "
                    "prévenir si vous ne pouvez pas venir{NBSP}: une autre date pourra être "
                    "recherchée."),
        "confirm_soon": ("Merci de nous confirmer votre venue dès que possible, ou de nous "
                         "prévenir si vous ne pouvez pas venir{NBSP}: une autre date pourra "
                         "être recherchée."),
        "contact": ("Pour nous répondre ou pour toute question, vous pouvez joindre {mediator}"
                    "{email} ou appeler le service au {phone}."),
        "contact_question": ("Pour toute question, vous pouvez joindre {mediator}{email} ou "
                             "appeler le service au {phone}."),
        "contact_email": " par courriel ({email})",
        "rules_title": "Comment se déroule la rencontre",
        "rules": [
            "Chacun s’exprime à son tour et écoute les autres sans les interrompre.",
            f"Les médiateurs sont neutres{NBSP}: ils ne jugent pas et ne prennent parti pour "
            "personne.",
            "Ce qui est dit pendant la rencontre reste confidentiel.",
            f"Les solutions sont trouvées par les parties elles-mêmes{NBSP}; personne n’est "
            "obligé d’accepter un accord.",
            f"Les échanges restent courtois{NBSP}; les médiateurs peuvent suspendre la "
            "rencontre.",
        ],
        "closing": ("Nous vous prions d’agréer, {civility}, l’expression de nos salutations "
                    "distinguées."),
        "civility": {"mme": "Madame", "m": "Monsieur", "": "Madame, Monsieur"},
        "signature": "Le service de médiation",
        "honorific": {"mme": "Madame", "m": "Monsieur", "": ""},
    },
    "en": {
        "subject": {
            "invitation": "Invitation to a mediation meeting (round table)",
            "new_date": "New date for the mediation meeting (round table)",
            "changed": "Change to the mediation meeting (round table)",
            "cancellation": "Cancellation of the mediation meeting (round table)",
        },
        "reference": "Case {reference}",
        "made_in": "{city}, {today}",
        "greeting": {"mme": "Dear Mrs {name},", "m": "Dear Mr {name},", "": "Dear {name},"},
        "invite": ("You have agreed to look for a solution to the disagreement that concerns "
                   "you, with the help of our mediation service. We would like to invite you to "
                   "a meeting {with_whom}:"),
        "with_whom": {0: "with the mediation team",
                      1: "with the other party and the mediation team",
                      2: "with the other parties involved and the mediation team"},
        "new_date": ("We have had to move the mediation meeting that was planned for {old}. "
                     "This letter replaces our previous one: the meeting will now take place "
                     "on the new date below:"),
        "changed": ("The arrangements for the mediation meeting on {old} have changed. This "
                    "letter replaces our previous one; here are the up-to-date details:"),
        "cancellation": ("We are sorry to let you know that the mediation meeting that was "
                         "planned for {old} has been cancelled. This letter replaces our "
                         "previous one."),
        "cancellation_next": ("The mediation team will get back in touch with you if another "
                              "meeting is arranged."),
        "cancelled_mark": "cancelled",
        "when": "Date and time",
        "where": "Place",
        "length": "Expected length",
        "length_value": "about {hours}",
        "free": "The meeting is free of charge and confidential.",
        "accompanied": ("You may bring someone you trust (a relative or an interpreter, for "
                        "example); please tell us when you confirm, so that everyone knows in "
                        "advance."),
        "confirm": ("Please confirm that you will come by {reply_by}, or let us know if you "
                    "cannot make it, so that we can look for another date."),
        "confirm_soon": ("Please confirm as soon as possible that you will come, or let us "
                         "know if you cannot make it, so that we can look for another date."),
        "contact": ("To reply, or if you have any questions, you can contact {mediator}"
                    "{email} or call the service on {phone}."),
        "contact_question": ("If you have any questions, you can contact {mediator}{email} or "
                             "call the service on {phone}."),
        "contact_email": " by email ({email})",
        "rules_title": "How the meeting works",
        "rules": [
            "Each person speaks in turn and listens to the others without interrupting.",
            "The mediators are neutral: they do not judge and do not take sides.",
            "What is said during the meeting stays confidential.",
            "The parties find the solutions themselves; nobody has to accept an "
            "agreement.",
            "Everyone stays courteous; the mediators may pause the meeting.",
        ],
        "closing": "Yours sincerely,",
        "civility": {"mme": "", "m": "", "": ""},
        "signature": "The mediation service",
        "honorific": {"mme": "Mrs", "m": "Mr", "": ""},
    },
    # Arabic: written for the organisation's Arabic-speaking residents, to be reviewed by its
    # Arabic speakers before the organisation offers it (LETTER_LANGUAGES, README).
    "ar": {
        "subject": {
            "invitation": "الموضوع: دعوة إلى لقاء وساطة (طاولة مستديرة)",
            "new_date": "الموضوع: موعد جديد للقاء الوساطة (طاولة مستديرة)",
            "changed": "الموضوع: تغيير في لقاء الوساطة (طاولة مستديرة)",
            "cancellation": "الموضوع: إلغاء لقاء الوساطة (طاولة مستديرة)",
        },
        "reference": "رقم الملف: {reference}",
        "made_in": "{city}، في {today}",
        "greeting": {"mme": "السيدة {name} المحترمة،", "m": "السيد {name} المحترم،",
                     "": "تحية طيبة،"},
        "invite": ("لقد وافقتم على البحث، بمساعدة خدمة الوساطة لدينا، عن حل للخلاف الذي "
                   "يعنيكم. ندعوكم إلى لقاء {with_whom}:"),
        "with_whom": {0: "مع فريق الوساطة",
                      1: "مع الطرف الآخر، بحضور فريق الوساطة",
                      2: "مع الأطراف الأخرى المعنية، بحضور فريق الوساطة"},
        "new_date": ("اضطررنا إلى تغيير موعد لقاء الوساطة الذي كان مقررًا يوم {old}. تحل هذه "
                     "الرسالة محل رسالتنا السابقة: سيُعقد اللقاء في الموعد الجديد التالي:"),
        "changed": ("طرأ تغيير على تنظيم لقاء الوساطة المقرر يوم {old}. تحل هذه الرسالة محل "
                    "رسالتنا السابقة، وفيما يلي المعلومات المحدّثة:"),
        "cancellation": ("يؤسفنا إبلاغكم بأن لقاء الوساطة الذي كان مقررًا يوم {old} قد أُلغي. "
                         "تحل هذه الرسالة محل رسالتنا السابقة."),
        "cancellation_next": "سيتواصل معكم فريق الوساطة من جديد إذا تقرر عقد لقاء آخر.",
        "cancelled_mark": "ملغى",
        "when": "التاريخ والساعة",
        "where": "المكان",
        "length": "المدة المتوقعة",
        "length_value": "حوالي {hours}",
        "free": "اللقاء مجاني وسرّي.",
        "accompanied": ("يمكنكم الحضور مع شخص تثقون به (أحد الأقارب أو مترجم)؛ نرجو إعلامنا "
                        "بذلك عند تأكيد حضوركم، حتى يكون الجميع على علم مسبقًا."),
        "confirm": ("نرجو تأكيد حضوركم قبل {reply_by}، أو إعلامنا إذا تعذّر عليكم الحضور، "
                    "لنبحث عن موعد آخر."),
        "confirm_soon": ("نرجو تأكيد حضوركم في أقرب وقت ممكن، أو إعلامنا إذا تعذّر عليكم "
                         "الحضور، لنبحث عن موعد آخر."),
        "contact": ("للرد علينا أو لأي استفسار، يمكنكم التواصل مع {mediator}{email} أو "
                    "الاتصال بالخدمة على الرقم {phone}."),
        "contact_question": ("لأي استفسار، يمكنكم التواصل مع {mediator}{email} أو الاتصال "
                             "بالخدمة على الرقم {phone}."),
        "contact_email": " عبر البريد الإلكتروني {email}",
        "rules_title": "كيف يجري اللقاء",
        "rules": [
            "يتكلم كل شخص بدوره ويستمع إلى الآخرين دون مقاطعتهم.",
            "الوسطاء محايدون: لا يحكمون على أحد ولا ينحازون إلى أي طرف.",
            "ما يقال خلال اللقاء يبقى سرّيًا.",
            "الأطراف أنفسهم هم من يجدون الحلول؛ ولا أحد ملزم بقبول اتفاق.",
            "يبقى الحوار مهذبًا؛ ويمكن للوسطاء إيقاف اللقاء مؤقتًا.",
        ],
        "closing": "وتفضلوا بقبول فائق الاحترام والتقدير.",
        "civility": {"mme": "", "m": "", "": ""},
        "signature": "خدمة الوساطة",
        # The postal address stays in French, for the post office.
        "honorific": {"mme": "Madame", "m": "Monsieur", "": ""},
    },
}
LANGUAGES = tuple(TEXT)

# For a party who prefers a language the letters are not written in: one line in their
# language, at the top of the French letter. To be reviewed by the organisation's speakers
# of each language before use (README, "Letters").
INTERPRETER = {
    "ar": ("هذه الرسالة من خدمة الوساطة تخصّكم. إذا كنتم بحاجة إلى مترجم، يمكننا توفيره: "
           "يرجى الاتصال بنا على الرقم {phone}."),
    "es": ("Esta carta del servicio de mediación le concierne. Si necesita un intérprete, "
           "podemos organizarlo: llámenos al {phone}."),
    "pt": ("Esta carta do serviço de mediação diz-lhe respeito. Se precisar de um intérprete, "
           "podemos providenciá-lo: ligue-nos para o {phone}."),
    "it": ("Questa lettera del servizio di mediazione La riguarda. Se ha bisogno di un "
           "interprete, possiamo organizzarlo: ci chiami al {phone}."),
    "tr": ("Arabuluculuk servisinden gelen bu mektup sizinle ilgilidir. Tercümana ihtiyacınız "
           "varsa ayarlayabiliriz: lütfen bizi {phone} numarasından arayın."),
    "ro": ("Această scrisoare de la serviciul de mediere vă privește. Dacă aveți nevoie de un "
           "interpret, îl putem asigura: sunați-ne la {phone}."),
    "ru": ("Это письмо службы медиации касается вас. Если вам нужен переводчик, мы можем его "
           "пригласить: позвоните нам по номеру {phone}."),
}
RIGHT_TO_LEFT = {"ar"}


@dataclass
class Addressee:
    civility: str  # "", "mme", "m"
    first_name: str
    last_name: str
    address_lines: list
    language: str


@dataclass
class Meeting:
    reference: str
    starts_at: datetime  # aware, in the organisation's time zone
    duration_minutes: int
    place: str
    mediator_name: str
    mediator_phone: str  # the service's phone
    mediator_email: str = ""
    others: int = 1  # how many other parties are invited
    replaces: datetime | None = None  # the earlier date, when moved (aware, local)
    changed: bool = False  # changed since the first letter (date, place or mediators)


def letter_language(language: str, offered=LANGUAGES) -> str:
    """The language a party's letter is written in: theirs when Casework writes it and the
    organisation offers it (``offered``), else French."""
    return language if language in LANGUAGES and language in offered else "fr"


def when(moment: datetime, language: str) -> str:
    """« mardi 3 mars 2026 à 18 h 00 », « dimanche 1er mars… » / "Tuesday 3 March 2026 at
    6:00 PM"."""
    day = long_date(moment.date(), language)
    if language == "fr":
        return f"{day} à {moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    if language == "ar":
        return f"{day}، الساعة {moment.hour}:{moment.minute:02d}"
    return f"{day} at " + format_datetime(moment, "h:mm a", locale="en",
                                          tzinfo=moment.tzinfo).replace(" ", NBSP)


def _hours(minutes: int, language: str) -> str:
    if language == "ar":
        # Counted nouns: « دقائق » after 3 to 10 (103 to 110…), else « دقيقة ».
        return f"{minutes} " + ("دقائق" if 3 <= minutes % 100 <= 10 else "دقيقة")
    hours, rest = divmod(minutes, 60)
    if language == "fr":
        return f"{hours}{NBSP}h{NBSP}{rest:02d}" if hours else f"{rest}{NBSP}min"
    return (f"{hours} h {rest:02d} min" if rest else f"{hours} h") if hours else f"{rest} min"


def reply_by(meeting_day: date, today: date) -> date | None:
    """The day the party is asked to reply by: a few days before the meeting; None when
    the meeting is too close for a date to make sense."""
    day = meeting_day - timedelta(days=REPLY_DAYS)
    while day.weekday() >= 5:  # a working day: the service answers the phone
        day -= timedelta(days=1)
    return day if day > today else None


# Where w:bidi goes in a paragraph's properties, and w:rtl in a run's (the schema's order).
_AFTER_BIDI = ("adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
               "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
               "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr",
               "pPrChange")
_AFTER_RTL = ("cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")
_AFTER_BIDI_VISUAL = ("tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
                      "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout",
                      "tblCellMar", "tblLook", "tblCaption", "tblDescription")


def _insert_before(parent, element, later):
    for child in parent:
        if child.tag in {qn(f"w:{name}") for name in later}:
            child.addprevious(element)
            return
    parent.append(element)


def _right_to_left(paragraph):
    """Lay a paragraph out right to left (w:bidi: it starts on the right), its runs as
    right-to-left text (w:rtl), bold for the Arabic script too (w:bCs)."""
    properties = paragraph._p.get_or_add_pPr()
    _insert_before(properties, OxmlElement("w:bidi"), _AFTER_BIDI)
    for run in paragraph.runs:
        run_properties = run._r.get_or_add_rPr()
        bold = run_properties.find(qn("w:b"))
        if bold is not None:
            bold.addnext(OxmlElement("w:bCs"))
        _insert_before(run_properties, OxmlElement("w:rtl"), _AFTER_RTL)
        tag = OxmlElement("w:lang")
        tag.set(qn("w:bidi"), "ar-SA")
        run_properties.append(tag)


def _left_to_right(text: str) -> str:
    """A number or address kept left to right inside right-to-left text."""
    return f"\u202a{text}\u202c"


def invitation(organisation: Organisation, addressee: Addressee, meeting: Meeting,
               today) -> bytes:
    """The invitation letter of one party, as .docx bytes: the new-date letter when the
    meeting was changed since it was first scheduled."""
    return letter("new_date" if meeting.changed else "invitation", organisation, addressee,
                  meeting, today)


def letter(kind: str, organisation: Organisation, addressee: Addressee, meeting: Meeting,
           today: date, created: datetime | None = None, offered=("fr", "en")) -> bytes:
    """One party's letter of this ``kind`` (``KINDS``), as .docx bytes, dated ``today``, in
    the party's language if it is among the ``offered`` ones, else in French."""
    organisation, addressee, meeting = word_safe((organisation, addressee, meeting))
    language = letter_language(addressee.language, offered)
    rtl = language in RIGHT_TO_LEFT
    text = TEXT[language]
    document = new_document()
    section = a4_page(document, top_bottom_cm=1.6, sides_cm=2.0, size=10.5)
    document_properties(
        document, author=organisation.name, language=language,
        title=text["subject"][kind if kind != "new_date" or meeting.replaces
                              else "changed"].split(f"{NBSP}: ")[-1],
        created=(created or utcnow()).replace(tzinfo=None))
    letterhead(section, organisation.name, f"{organisation.address} · {organisation.phone}"
               + (f" · {organisation.email}" if organisation.email else ""))

    if rtl:
        document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(
            qn("w:cs"), "Arial")
        # Numbers and addresses stay left to right inside the Arabic (else "00 00 78 04").
        meeting = replace(meeting, mediator_phone=_left_to_right(meeting.mediator_phone),
                          mediator_email=_left_to_right(meeting.mediator_email)
                          if meeting.mediator_email else "",
                          place=_left_to_right(meeting.place))

    # The addressee, where a window envelope (DL, window on the right) shows it.
    # A party who reads another language: one line in it, first after their address (which
    # stays where the envelope's window shows it); the page keeps room for it.
    line = INTERPRETER.get(addressee.language) if language != addressee.language else None
    honorific = text["honorific"][addressee.civility]
    block = window_address(document, " ".join(
        x for x in (honorific, addressee.first_name, addressee.last_name) if x),
        addressee.address_lines, space_after_cm=0.4 if line else 1.2)
    if line:
        note = document.add_paragraph()
        note.paragraph_format.space_before = Pt(6)
        phone = organisation.phone
        if addressee.language in RIGHT_TO_LEFT:
            phone = _left_to_right(phone)
        note.add_run(line.format(phone=phone)).bold = True
        if addressee.language in RIGHT_TO_LEFT:
            _right_to_left(note)

    right_aligned(document, text["made_in"].format(city=city_of(organisation.address),
                                                   today=dated(today, language)))
    document.add_paragraph(text["reference"].format(
        reference=_left_to_right(meeting.reference) if rtl else meeting.reference))
    subject_key = "changed" if kind == "new_date" and not meeting.replaces else kind
    document.add_paragraph().add_run(text["subject"][subject_key]).bold = True

    greeting = text["greeting"][addressee.civility]
    document.add_paragraph(greeting.format(name=addressee.last_name))

    if kind == "invitation":
        with_whom = text["with_whom"][min(meeting.others, 2)]
        document.add_paragraph(text["invite"].format(with_whom=with_whom, NBSP=NBSP))
    elif kind == "new_date":
        old = when(meeting.replaces or meeting.starts_at, language)
        document.add_paragraph(text[subject_key].format(old=old, NBSP=NBSP))
    else:
        document.add_paragraph(text["cancellation"].format(
            old=when(meeting.starts_at, language)))

    _details(document, text, meeting, language, cancelled=kind == "cancellation")

    if kind == "cancellation":
        document.add_paragraph(text["cancellation_next"])
    else:
        document.add_paragraph(text["free"])
        by = reply_by(meeting.starts_at.date(), today)
        document.add_paragraph(
            text["confirm"].format(reply_by=long_date(by, language), NBSP=NBSP) if by
            else text["confirm_soon"].format(NBSP=NBSP))
        document.add_paragraph(text["accompanied"].format(NBSP=NBSP))
    email = text["contact_email"].format(email=meeting.mediator_email) \
        if meeting.mediator_email else ""
    contact = text["contact_question" if kind == "cancellation" else "contact"]
    document.add_paragraph(contact.format(mediator=meeting.mediator_name, email=email,
                                          phone=meeting.mediator_phone))
    if kind != "cancellation":
        rules = document.add_paragraph()
        rules.paragraph_format.space_before = Pt(4)
        rules.add_run(text["rules_title"]).bold = True
        for rule in text["rules"]:
            # Word's bullet list is laid out left to right: in Arabic, the bullet is typed.
            item = document.add_paragraph(f"• {rule}") if rtl else \
                document.add_paragraph(rule, style="List Bullet")
            item.paragraph_format.space_after = Pt(0)

    closing = document.add_paragraph(text["closing"].format(
        civility=text["civility"][addressee.civility]))
    closing.paragraph_format.space_before = Pt(8)
    closing.paragraph_format.keep_with_next = True
    # Room for the mediator's handwritten signature, above their name.
    signature = document.add_paragraph()
    signature.paragraph_format.left_indent = Cm(9.5)
    signature.paragraph_format.space_before = Cm(1.5 if line else 2.0)
    signature.paragraph_format.keep_together = True
    signature.add_run(meeting.mediator_name).bold = True
    signature.add_run(f"\n{text['signature']}")

    if rtl:
        # Everything but the postal address and the signature (names in Latin letters, where
        # the envelope's window and the hand expect them) reads right to left.
        for paragraph in document.paragraphs:
            if paragraph._p not in (block._p, signature._p) and paragraph.text:
                _right_to_left(paragraph)
        for table in document.tables:
            _insert_before(table._tbl.tblPr, OxmlElement("w:bidiVisual"), _AFTER_BIDI_VISUAL)
            for row in table.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        _right_to_left(paragraph)

    return to_bytes(document)


def _details(document, text, meeting, language, *, cancelled):
    """Date, place and expected length, as a two-column table."""
    rows = [(text["when"], when(meeting.starts_at, language)
             + (f" ({text['cancelled_mark']})" if cancelled else "")),
            (text["where"], meeting.place)]
    if not cancelled:
        rows.append((text["length"], text["length_value"].format(
            hours=_hours(meeting.duration_minutes, language))))
    details = document.add_table(rows=len(rows), cols=2)
    details.style = "Table Grid"
    details.autofit = False
    details.columns[0].width, details.columns[1].width = Cm(4.5), Cm(12.5)
    for row, (label, value) in zip(details.rows, rows):
        row.cells[0].text = label
        row.cells[0].paragraphs[0].runs[0].bold = True
        row.cells[1].text = value
        row.cells[0].width, row.cells[1].width = Cm(4.5), Cm(12.5)
    document.add_paragraph().paragraph_format.space_after = Pt(0)
