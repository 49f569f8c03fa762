"""Phrase pools for titles and descriptions, by language (written in-house)."""

# ruff: noqa: E501  (HTML templates and phrase data read better unwrapped)

from __future__ import annotations

ADJ = {
    "en": ("TOP QUALITY", "Premium", "Uncut", "HIGH GRADE", "Pharma grade", "Lab tested", "Best in EU",
           "Fresh batch", "NEW STOCK", "Fishscale", "A+++", "Strong"),
    "de": ("Top Qualität", "Premium", "sehr rein", "Beste Qualität", "Neue Ware", "Labor getestet", "Stark"),
    "fr": ("Qualité premium", "Top qualité", "Pure", "Nouvelle récolte", "Très forte"),
    "nl": ("Topkwaliteit", "Nieuwe batch", "Zuiver", "Beste kwaliteit", "Sterk spul"),
    "pl": ("Najwyższa jakość", "Czysta", "Nowa dostawa", "Mocna", "Sprawdzona"),
    "es": ("Máxima calidad", "Pura", "Nueva remesa", "Calidad premium", "Muy potente"),
    "it": ("Qualità top", "Purissima", "Nuovo arrivo", "Alta qualità", "Fortissima"),
    "cs": ("Top kvalita", "Čistý", "Nová várka", "Nejlepší kvalita", "Silný"),
}

SHIP = {
    "en": ("FREE SHIPPING", "Tracked EU", "Next day delivery", "Stealth shipping", "Escrow"),
    "de": ("Versand aus DE", "Kostenloser Versand", "Diskreter Versand", "Einschreiben"),
    "fr": ("Livraison offerte", "Envoi discret", "Colissimo suivi"),
    "nl": ("Gratis verzending", "Discreet verzonden", "Snel geleverd"),
    "pl": ("Wysyłka 24h", "Darmowa wysyłka", "Dyskretna paczka"),
    "es": ("Envío gratis", "Envío discreto", "Entrega 48h"),
    "it": ("Spedizione gratuita", "Spedizione discreta", "Consegna veloce"),
    "cs": ("Doprava zdarma", "Diskrétní zásilka", "Rychlé doručení"),
}

DECOR = (("✪✪✪ ", " ✪✪✪"), ("★ ", " ★"), ("🔥 ", " 🔥"), ("*** ", " ***"), ("[", "]"), ("~~ ", " ~~"),
         ("⚡", "⚡"), ("💊 ", ""), ("❄️ ", " ❄️"), ("🍁 ", ""), (">>> ", " <<<"), ("", " !!!"))

# Description lines: {n} product name, {q} quantity, {o} origin country name, {v} vendor.
INTRO = {
    "en": ("Welcome to {v}'s shop!", "Here you get {q} of our {n}.", "{n} straight from the source, {q} per order.",
           "Restocked: {n}. Same batch as last month, customers love it."),
    "de": ("Willkommen bei {v}!", "Ihr bekommt hier {q} {n}.", "{n} direkt vom Hersteller, {q} pro Bestellung.",
           "Wieder da: {n}. Gleiche Charge wie letzten Monat."),
    "fr": ("Bienvenue chez {v} !", "Vous recevez {q} de {n}.", "{n} directement de la source, {q} par commande."),
    "nl": ("Welkom bij {v}!", "Je krijgt {q} {n}.", "{n} rechtstreeks van de bron, {q} per bestelling."),
    "pl": ("Witamy w sklepie {v}!", "Oferujemy {q} {n}.", "{n} prosto od producenta, {q} w paczce."),
    "es": ("¡Bienvenidos a {v}!", "Recibes {q} de {n}.", "{n} directo de origen, {q} por pedido."),
    "it": ("Benvenuti da {v}!", "Ricevi {q} di {n}.", "{n} direttamente dalla fonte, {q} per ordine."),
    "cs": ("Vítejte u {v}!", "Dostanete {q} {n}.", "{n} přímo od zdroje, {q} v balení."),
}
QUALITY = {
    "en": ("Tested with reagents, results on request.", "No cut, no bullshit & no fillers.",
           "Best quality you will find on the market, compare for yourself.", "Pressed / packed by ourselves."),
    "de": ("Mit Reagenzien getestet, Ergebnisse auf Anfrage.", "Keine Streckmittel & kein Bullshit.",
           "Die beste Qualität auf dem Markt, überzeugt euch selbst."),
    "fr": ("Testé aux réactifs, résultats sur demande.", "Aucune coupe & aucune arnaque.",
           "La meilleure qualité du marché."),
    "nl": ("Getest met reagentia, uitslag op aanvraag.", "Geen versnijding & geen gezeik.",
           "Beste kwaliteit van de markt."),
    "pl": ("Testowane odczynnikami, wyniki na życzenie.", "Bez wypełniaczy & bez ściemy.",
           "Najlepsza jakość na rynku."),
    "es": ("Probado con reactivos, resultados bajo petición.", "Sin cortes & sin rellenos.",
           "La mejor calidad del mercado."),
    "it": ("Testata con reagenti, risultati su richiesta.", "Nessun taglio & nessuna fregatura.",
           "La migliore qualità sul mercato."),
    "cs": ("Testováno reagenty, výsledky na vyžádání.", "Bez řezání & bez keců.", "Nejlepší kvalita na trhu."),
}
SHIPPING = {
    "en": ("Ships from {o} within 24h, Mon-Fri.", "Vacuum sealed x2, stealth shipping, tracking included.",
           "Orders before 14:00 ship the same day.", "We ship to most EU countries, ask first for others."),
    "de": ("Versand aus {o} innerhalb von 24h, Mo-Fr.", "Doppelt vakuumiert, diskreter Versand mit Tracking.",
           "Bestellungen vor 14 Uhr gehen am selben Tag raus."),
    "fr": ("Expédié depuis {o} sous 24h.", "Sous vide x2, envoi discret avec suivi.",
           "Commandes avant 14h envoyées le jour même."),
    "nl": ("Verzending vanuit {o} binnen 24 uur.", "Dubbel vacuüm, discreet verpakt, met track & trace."),
    "pl": ("Wysyłka z {o} w ciągu 24h.", "Próżniowo x2, dyskretnie, z numerem śledzenia."),
    "es": ("Envío desde {o} en 24h.", "Envasado al vacío x2, envío discreto con seguimiento."),
    "it": ("Spedizione da {o} entro 24h.", "Sottovuoto x2, spedizione discreta con tracciamento."),
    "cs": ("Odesíláme z {o} do 24 hodin.", "Vakuově zabaleno 2x, diskrétně, se sledováním."),
}
POLICY = {
    "en": ("No refunds on stolen or seized packages, one reship at 50%.", "FE for vendors with 100+ orders only.",
           "Read my Terms & Conditions before ordering.", "Leave honest feedback please <3"),
    "de": ("Keine Rückerstattung bei Zollverlust, einmal Reship zu 50%.", "Bitte AGB & Profil lesen.",
           "Ehrliches Feedback ist erwünscht."),
    "fr": ("Pas de remboursement en cas de saisie, un renvoi à 50%.", "Lisez mes conditions & mon profil."),
    "nl": ("Geen refund bij inbeslagname, één reship voor 50%.", "Lees eerst mijn voorwaarden & profiel."),
    "pl": ("Brak zwrotów przy przechwyceniu, jeden reship za 50%.", "Przeczytaj regulamin & profil."),
    "es": ("Sin reembolso en caso de incautación, un reenvío al 50%.", "Lee mis términos & condiciones."),
    "it": ("Nessun rimborso per pacchi sequestrati, una rispedizione al 50%.", "Leggete termini & condizioni."),
    "cs": ("Bez vrácení peněz při zabavení, jedno přeposlání za 50%.", "Přečtěte si podmínky & profil."),
}
SAFETY = {
    "en": ("Start low, go slow. Never mix with alcohol or other depressants.",),
    "de": ("Langsam anfangen, niedrig dosieren. Nicht mit Alkohol mischen.",),
    "fr": ("Commencez doucement. Ne pas mélanger avec l'alcool.",),
    "nl": ("Begin laag, bouw langzaam op. Niet mengen met alcohol.",),
    "pl": ("Zaczynaj od małych dawek. Nie mieszaj z alkoholem.",),
    "es": ("Empieza con poco. No mezclar con alcohol.",),
    "it": ("Iniziate con dosi basse. Non mescolare con alcol.",),
    "cs": ("Začněte s malou dávkou. Nemíchejte s alkoholem.",),
}
CONTACT = {
    "en": ("Contact me on {c} for bulk prices.", "Serious buyers only, write on {c}.", "DM {c} - fast reply."),
    "de": ("Meldet euch über {c} für Mengenrabatt.", "Nur ernsthafte Anfragen bitte: {c}.", "Schreibt mir auf {c}."),
    "fr": ("Contactez-moi sur {c} pour les prix de gros.", "Écrivez-moi sur {c}."),
    "nl": ("Neem contact op via {c} voor bulkprijzen.", "Stuur een bericht naar {c}."),
    "pl": ("Kontakt: {c}, hurt taniej.", "Pisz na {c}."),
    "es": ("Contacto por {c} para precios al por mayor.", "Escríbeme a {c}."),
    "it": ("Contattami su {c} per prezzi all'ingrosso.", "Scrivimi su {c}."),
    "cs": ("Kontakt na {c}, velkoodběr levněji.", "Pište na {c}."),
}
KIND_WORDS = {"telegram": "Telegram", "wickr": "Wickr", "signal": "Signal", "email": "E-mail",
              "session": "Session", "xmpp": "XMPP", "threema": "Threema"}

NONDRUG_LINES = (
    "Instant delivery after payment.", "Quality like the original, nobody will notice.",
    "Comes with a step by step tutorial & free updates.", "Bulk discounts available.",
    "Works in all EU countries.", "Satisfaction guaranteed or your money back.",
)
GUIDE_MENTIONS = (
    "Covers reagent tests for MDMA, cocaine and ketamine.",
    "Includes a chapter on safe dosing of GHB and benzodiazepines.",
    "Explains how to spot fentanyl in heroin with test strips.",
    "How to vacuum seal weed & hash so dogs do not smell it.",
)

# rc-labor (German shop)
SHOP_FORMS = {"powder": "Pulver", "plant": "Blüten", "pill": "Pellets", "liquid": "Lösung", "blotter": "Blotter"}
SHOP_INTRO = (
    "{n} ist eine Forschungschemikalie aus der Gruppe der {g}.",
    "Wir bieten {n} in höchster Reinheit (>99%, HPLC) an.",
    "Unser {n} wird in Europa synthetisiert und im Labor geprüft.",
    "Neu im Sortiment: {n}. Lieferung in neutraler Verpackung.",
)
SHOP_LINES = (
    "Versand innerhalb von 24 Stunden nach Zahlungseingang.",
    "Zahlung per Banküberweisung, Bitcoin oder Monero.",
    "Analysezertifikat (CoA) auf Anfrage erhältlich.",
    "Diskreter Versand in der EU, Sendungsverfolgung inklusive.",
    "Lagerung kühl, trocken und lichtgeschützt.",
)
SHOP_DISCLAIMER = (
    "Nicht für den menschlichen Verzehr. Nur für Forschungszwecke und Laboranalysen.",
    "Dieses Produkt ist nicht für den menschlichen Verzehr bestimmt. Verkauf nur an Personen über 18 Jahre.",
)
SHOP_GROUPS = {
    "cathinone": "Cathinone", "synthetic_cannabinoid": "Cannabinoide", "benzodiazepine": "Benzodiazepine",
    "synthetic_opioid": "Opioide (Forschung)", "dissociative": "Dissoziativa", "psychedelic": "Psychedelika",
    "precursor": "Präkursoren", "sedative": "Lösungsmittel", "stimulant": "Stimulanzien",
}
