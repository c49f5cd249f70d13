"""The standard clauses a new organisation starts with; managers then adapt them."""
from sqlalchemy import select

from ..extensions import db
from ..reference.models import CATEGORY, ReferenceItem
from .models import ClauseTemplate

# category code (None: every category), joint?, French, English
DEFAULT_CLAUSES = [
    ("noise", False, "ne pas faire de bruit après 22 h", "make no noise after 10 pm"),
    ("noise", False, "poser des patins sous les pieds des chaises et des tables",
     "put felt pads under the legs of chairs and tables"),
    ("noise", False, "prévenir ses voisins quelques jours avant une fête",
     "tell the neighbours a few days before a party"),
    ("noise", False, "baisser le volume de la musique et de la télévision à partir de 21 h",
     "turn down music and television from 9 pm"),
    ("animals", False, "tenir le chien en laisse dans les parties communes",
     "keep the dog on a lead in the shared areas"),
    ("animals", False, "ne pas laisser le chien seul plus de quatre heures d'affilée",
     "not leave the dog alone for more than four hours at a time"),
    ("shared_areas", False, "ne plus entreposer de vélo ni de poussette dans le hall",
     "no longer leave bicycles or prams in the entrance hall"),
    ("waste_hygiene", False, "descendre ses sacs poubelles directement au local prévu",
     "take rubbish bags straight to the bin room"),
    ("odours", False, "fumer sur le balcon porte-fenêtre fermée",
     "smoke on the balcony with the French window closed"),
    ("children", False, "veiller à ce que les enfants ne jouent pas au ballon dans la cour "
     "après 20 h", "make sure the children do not play ball in the courtyard after 8 pm"),
    ("parking", False, "ne plus stationner devant l'entrée du garage voisin",
     "no longer park in front of the neighbour's garage entrance"),
    ("boundaries_plants", False, "tailler la haie mitoyenne deux fois par an",
     "trim the shared hedge twice a year"),
    (None, True, "se saluer et se parler avec courtoisie", "greet each other and speak "
     "courteously"),
    # Joint clauses hold for two parties or more: no « l'un à l'autre ».
    (None, True, "se parler d'abord directement avant de s'adresser à un tiers",
     "talk to each other directly first, before turning to anyone else"),
    (None, True, "contacter le service de médiation en cas de nouvelle difficulté",
     "contact the mediation service if a new difficulty arises"),
]


def load_clauses() -> int:
    """Add the default clauses if the library is empty."""
    if db.session.execute(select(ClauseTemplate.id).limit(1)).first():
        return 0
    categories = {item.code: item for item in db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind == CATEGORY)).scalars()}
    for position, (code, joint, text_fr, text_en) in enumerate(DEFAULT_CLAUSES):
        category = categories.get(code) if code else None
        if code and category is None:
            continue
        db.session.add(ClauseTemplate(category=category, joint=joint, text_fr=text_fr,
                                      text_en=text_en, position=position * 10))
    db.session.commit()
    return len(DEFAULT_CLAUSES)
