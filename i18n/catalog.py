"""Message catalogue: key -> (English, French). A test checks none is missing."""

from __future__ import annotations

LANGUAGES = {"en": "English", "fr": "Français"}

MESSAGES: dict[str, tuple[str, str]] = {
    # Navigation and app frame
    "app.title": ("Comptoir", "Comptoir"),
    "app.language": ("Language / Langue", "Langue / Language"),
    "nav.customers": ("Customers", "Clients"),
    "nav.card": ("Customer card", "Fiche client"),
    "nav.settings": ("Settings", "Paramètres"),
    "nav.section.shop": ("Shop", "Boutique"),
    "nav.section.admin": ("Administration", "Administration"),
    # Fields of the card
    "field.account_number": ("Account number", "Numéro de compte"),
    "field.title": ("Title", "Titre"),
    "field.first_name": ("First name", "Prénom"),
    "field.last_name": ("Last name", "Nom de famille"),
    "field.company": ("Company", "Société"),
    "field.postcode": ("Postcode", "Code postal"),
    "field.address1": ("Address", "Adresse"),
    "field.address2": ("Address 2", "Adresse 2"),
    "field.city": ("City", "Ville"),
    "field.region": ("Region/State", "Région/État"),
    "field.country_code": ("Country", "Pays"),
    "field.phone": ("Phone", "Téléphone"),
    "field.mobile": ("Mobile", "Portable"),
    "field.fax": ("Fax", "Fax"),
    "field.email": ("E-mail", "E-mail"),
    "field.contact_preference": ("Contact preference", "Préférence de contact"),
    "field.date_of_birth": ("Date of birth", "Date de naissance"),
    "field.gender": ("Gender", "Genre"),
    "field.tax_exempt": ("Tax exempt", "Exonération de taxe"),
    "field.tax_number": ("Tax number", "Numéro fiscal"),
    "field.price_level": ("Price level", "Niveau de prix"),
    "field.discount_percent": ("Discount %", "Remise %"),
    "field.notes": ("Notes", "Notes"),
    "field.marketing_opt_in": ("Marketing opt-in", "Accepte le marketing"),
    "field.marketing_opt_in_at": ("Opted in on", "Accepté le"),
    "field.archived": ("Archived", "Archivé"),
    "field.created_at": ("Created", "Créé le"),
    "field.updated_at": ("Last saved", "Dernier enregistrement"),
    "field.shop_name": ("Shop name", "Nom de la boutique"),
    "field.shop_address": ("Shop address", "Adresse de la boutique"),
    "field.shop_phone": ("Shop phone", "Téléphone de la boutique"),
    "field.shop_email": ("Shop e-mail", "E-mail de la boutique"),
    "field.default_country": ("Default country", "Pays par défaut"),
    "field.currency": ("Currency", "Devise"),
    "field.locale": ("Locale", "Paramètres régionaux"),
    "field.account_prefix": ("Account-number prefix", "Préfixe des numéros de compte"),
    "field.price_levels": ("Price levels", "Niveaux de prix"),
    "field.code": ("Code", "Code"),
    "field.name": ("Name", "Nom"),
    "field.open": ("Open", "Ouvrir"),
    "field.problem": ("Problem", "Problème"),
    # Choices
    "choice.none": ("— none —", "— aucun —"),
    "choice.email": ("E-mail", "E-mail"),
    "choice.sms": ("SMS", "SMS"),
    # Errors (each names its field through {field})
    "error.required": ("{field} is required.", "{field} est obligatoire."),
    "error.too_long": (
        "{field} is too long: at most {max} characters.",
        "{field} est trop long : {max} caractères au plus.",
    ),
    "error.account_number_invalid": (
        "{field} may not contain tabs or line breaks.",
        "{field} ne peut contenir ni tabulation ni retour à la ligne.",
    ),
    "error.account_number_taken": (
        "{field} {number} is already used by {holder}.",
        "{field} {number} est déjà utilisé par {holder}.",
    ),
    "error.account_number_duplicate_in_grid": (
        "{field}: two edited rows use the same number.",
        "{field} : deux lignes modifiées ont le même numéro.",
    ),
    "error.phone_invalid": (
        "{field} is not a valid number for this country (e.g. {example}).",
        "{field} n'est pas un numéro valide pour ce pays (ex. {example}).",
    ),
    "error.email_invalid": (
        "{field} is not a valid address: {detail}",
        "{field} n'est pas une adresse valide : {detail}",
    ),
    "error.country_unknown": (
        "{field}: {value} is not an ISO 3166 country.",
        "{field} : {value} n'est pas un pays ISO 3166.",
    ),
    "error.postcode_invalid": (
        "{field} does not match this country's format (e.g. {example}).",
        "{field} ne respecte pas le format de ce pays (ex. {example}).",
    ),
    "error.not_in_list": (
        "{field} must be one of: {allowed}.",
        "{field} doit être l'un de : {allowed}.",
    ),
    "error.discount_invalid": (
        "{field} must be a number from 0 to 100 with at most 2 decimals.",
        "{field} doit être un nombre de 0 à 100 avec 2 décimales au plus.",
    ),
    "error.date_invalid": ("{field} is not a date.", "{field} n'est pas une date."),
    "error.birth_date_future": (
        "{field} cannot be in the future.",
        "{field} ne peut pas être dans le futur.",
    ),
    "error.birth_date_too_old": (
        "{field} cannot be more than {years} years ago.",
        "{field} ne peut pas remonter à plus de {years} ans.",
    ),
    "error.preference_needs_email": (
        "{field}: e-mail needs an e-mail address.",
        "{field} : l'e-mail demande une adresse e-mail.",
    ),
    "error.preference_needs_mobile": (
        "{field}: SMS needs a mobile number.",
        "{field} : le SMS demande un numéro de portable.",
    ),
    "error.prefix_invalid": (
        "{field}: up to 10 letters, digits, '-', '_' or '/'.",
        "{field} : 10 lettres, chiffres, « - », « _ » ou « / » au plus.",
    ),
    "error.currency_unknown": (
        "{field}: {value} is not an ISO 4217 currency code.",
        "{field} : {value} n'est pas un code de devise ISO 4217.",
    ),
    "error.locale_unknown": (
        "{field}: {value} is not a known locale (e.g. fr_FR, en_GB).",
        "{field} : {value} n'est pas connu (ex. fr_FR, en_GB).",
    ),
    "error.price_level_code_invalid": (
        "{field}: code '{value}' must be 1 to 10 letters or digits.",
        "{field} : le code « {value} » doit faire 1 à 10 lettres ou chiffres.",
    ),
    "error.price_level_duplicate": (
        "{field}: code {value} appears twice.",
        "{field} : le code {value} apparaît deux fois.",
    ),
    "error.price_level_in_use": (
        "{field}: level {code} is used by {count} customers; move them first.",
        "{field} : le niveau {code} est utilisé par {count} clients ; changez-les d'abord.",
    ),
    "error.too_many": ("{field}: at most {max}.", "{field} : {max} au plus."),
    # Customers page
    "customers.title": ("Customers", "Clients"),
    "customers.search": ("Search", "Rechercher"),
    "customers.search_help": (
        "Account number, name, company, e-mail, phone (any format) or postcode.",
        "Numéro de compte, nom, société, e-mail, téléphone (tout format) ou code postal.",
    ),
    "customers.search_placeholder": (
        "Type a name, phone, postcode…",
        "Tapez un nom, un téléphone, un code postal…",
    ),
    "customers.include_archived": ("Show archived", "Afficher les archivés"),
    "customers.sort": ("Sort by", "Trier par"),
    "customers.descending": ("Descending", "Décroissant"),
    "customers.page_size": ("Rows per page", "Lignes par page"),
    "customers.page": ("Page", "Page"),
    "customers.count": (
        "{total} customers · page {page} of {pages}",
        "{total} clients · page {page} sur {pages}",
    ),
    "customers.none": ("No customer matches.", "Aucun client ne correspond."),
    "customers.previous": ("◀ Previous", "◀ Précédente"),
    "customers.next": ("Next ▶", "Suivante ▶"),
    "customers.save": ("Save changes", "Enregistrer les modifications"),
    "customers.discard": ("Discard changes", "Annuler les modifications"),
    "customers.saved": ("{count} customers saved.", "{count} clients enregistrés."),
    "customers.rejected": (
        "{count} rows were not saved; they stay on screen with the reason.",
        "{count} lignes non enregistrées ; elles restent affichées avec la raison.",
    ),
    "customers.conflict": (
        "{count} rows were changed by someone else meanwhile; they were reloaded.",
        "{count} lignes ont été modifiées entre-temps par quelqu'un d'autre ; rechargées.",
    ),
    "customers.pending": (
        "Unsaved edits: save or discard before changing page or search.",
        "Modifications non enregistrées : enregistrez ou annulez avant de changer de page.",
    ),
    "customers.open_card": ("Open customer card", "Ouvrir la fiche client"),
    "customers.open": ("Open", "Ouvrir"),
    "customers.new": ("New customer", "Nouveau client"),
    "customers.create": ("Create customer", "Créer le client"),
    "customers.created": ("Customer {number} created.", "Client {number} créé."),
    "customers.grid_help": (
        "Double-click a cell to edit; tick Open to open the card.",
        "Double-cliquez sur une cellule pour la modifier ; cochez Ouvrir pour la fiche.",
    ),
    # Card
    "card.title": ("Customer card", "Fiche client"),
    "card.pick": ("Find a customer", "Trouver un client"),
    "card.pick_help": (
        "Search, then choose the customer to open.",
        "Recherchez, puis choisissez le client à ouvrir.",
    ),
    "card.not_found": ("This customer does not exist.", "Ce client n'existe pas."),
    "card.tab.account": ("Account information", "Information du compte"),
    "card.tab.general": ("General", "Général"),
    "card.tab.gdpr": ("GDPR", "RGPD"),
    "card.section.basic": ("Basic details", "Infos de base"),
    "card.section.contact": ("Contact", "Informations de contact"),
    "card.section.address": ("Billing address", "Adresse de facturation"),
    "card.save": ("Save", "Enregistrer"),
    "card.saved": ("Saved.", "Enregistré."),
    "card.nothing_changed": ("Nothing to save.", "Rien à enregistrer."),
    "card.fix_errors": (
        "Not saved: fix the fields below. Your other edits are kept.",
        "Non enregistré : corrigez les champs ci-dessous. Vos autres saisies sont conservées.",
    ),
    "card.stale": (
        "Someone else saved this customer at {when}. Your edits are still here: "
        "reload theirs, or save yours over them.",
        "Quelqu'un d'autre a enregistré ce client à {when}. Vos saisies sont toujours là : "
        "rechargez les siennes ou enregistrez les vôtres par-dessus.",
    ),
    "card.reload": ("Reload their version", "Recharger sa version"),
    "card.overwrite": ("Save mine over theirs", "Enregistrer la mienne par-dessus"),
    "card.discount_warning": (
        "This discount applies to every line of every sale, even items already discounted.",
        "Cette remise s'applique à chaque ligne de chaque vente, même aux articles déjà remisés.",
    ),
    "card.notes_help": (
        "For reference only; shown as plain text.",
        "Pour référence seulement ; affiché en texte brut.",
    ),
    "card.archive": ("Archive customer", "Archiver le client"),
    "card.restore": ("Restore customer", "Restaurer le client"),
    "card.archived_banner": (
        "Archived on {when}: hidden from search, kept for history.",
        "Archivé le {when} : masqué de la recherche, conservé pour l'historique.",
    ),
    "card.archived_done": ("Customer archived.", "Client archivé."),
    "card.restored_done": ("Customer restored.", "Client restauré."),
    "card.consent_history": ("Consent history", "Historique du consentement"),
    "card.consent_none": ("No consent change recorded.", "Aucun changement enregistré."),
    "card.consent_on": ("Opted in", "A accepté"),
    "card.consent_off": ("Opted out", "A refusé"),
    "card.consent_when": ("When", "Quand"),
    "card.consent_screen": ("Screen", "Écran"),
    "card.consent_change": ("Change", "Changement"),
    "card.back": ("◀ Back to customers", "◀ Retour aux clients"),
    "card.phone_hint": (
        "Stored as {e164}",
        "Enregistré comme {e164}",
    ),
    "screen.customers_grid": ("Customer grid", "Grille clients"),
    "screen.customer_card": ("Customer card", "Fiche client"),
    "screen.customer_new": ("New customer", "Nouveau client"),
    "screen.demo_import": ("Demo data", "Données de démo"),
    # Settings page
    "settings.title": ("Settings", "Paramètres"),
    "settings.shop": ("Shop details", "Coordonnées de la boutique"),
    "settings.regional": ("Country, currency and locale", "Pays, devise et paramètres régionaux"),
    "settings.accounts": ("Customer accounts", "Comptes clients"),
    "settings.price_levels_help": (
        "One row per level; a level in use cannot be removed.",
        "Une ligne par niveau ; un niveau utilisé ne peut pas être supprimé.",
    ),
    "settings.save": ("Save settings", "Enregistrer les paramètres"),
    "settings.saved": ("Settings saved.", "Paramètres enregistrés."),
    "settings.example": ("Example: {money} · {date}", "Exemple : {money} · {date}"),
    "settings.next_number": (
        "Next generated account number: {number}",
        "Prochain numéro de compte généré : {number}",
    ),
    # Sign-in, roles, staff
    "nav.export": ("Export customers", "Exporter les clients"),
    "nav.staff": ("Staff", "Personnel"),
    "nav.audit": ("Audit trail", "Journal d'audit"),
    "auth.sign_in_title": ("Sign in", "Connexion"),
    "auth.sign_in": ("Sign in", "Se connecter"),
    "auth.sign_out": ("Sign out", "Se déconnecter"),
    "auth.signed_in_as": ("Signed in as {name} ({role})", "Connecté : {name} ({role})"),
    "auth.signed_out": ("You are signed out.", "Vous êtes déconnecté."),
    "auth.bad_credentials": (
        "Unknown username or wrong password.",
        "Identifiant inconnu ou mot de passe erroné.",
    ),
    "auth.locked": (
        "Too many failed attempts: this account is locked until {until}.",
        "Trop d'essais manqués : ce compte est bloqué jusqu'à {until}.",
    ),
    "auth.expired": (
        "Your session expired after {minutes} minutes without activity. Please sign in again.",
        "Votre session a expiré après {minutes} minutes d'inactivité. Reconnectez-vous.",
    ),
    "auth.account_closed": (
        "Your account was deactivated.",
        "Votre compte a été désactivé.",
    ),
    "auth.page_refused": (
        "You do not have access to this page: it needs the {role} role.",
        "Vous n'avez pas accès à cette page : elle demande le rôle {role}.",
    ),
    "auth.setup_title": ("Create the first administrator", "Créer le premier administrateur"),
    "auth.setup_intro": (
        "No staff account exists yet. The first account administers the shop: "
        "it adds the other staff and chooses their roles.",
        "Aucun compte n'existe encore. Le premier compte administre la boutique : "
        "il ajoute le personnel et choisit les rôles.",
    ),
    "auth.setup_create": ("Create and sign in", "Créer et se connecter"),
    "role.staff": ("staff", "vendeur"),
    "role.manager": ("manager", "responsable"),
    "role.admin": ("administrator", "administrateur"),
    "field.username": ("Username", "Identifiant"),
    "field.password": ("Password", "Mot de passe"),
    "field.password_confirm": ("Confirm password", "Confirmer le mot de passe"),
    "field.display_name": ("Display name", "Nom affiché"),
    "field.role": ("Role", "Rôle"),
    "field.active": ("Active", "Actif"),
    "field.last_login_at": ("Last sign-in", "Dernière connexion"),
    "field.locked_until": ("Locked until", "Bloqué jusqu'à"),
    "field.session_timeout_minutes": (
        "Sign out after idle (minutes)",
        "Déconnexion après inactivité (minutes)",
    ),
    "field.lockout_attempts": (
        "Failed sign-ins before lock",
        "Échecs de connexion avant blocage",
    ),
    "field.lockout_minutes": ("Lock duration (minutes)", "Durée du blocage (minutes)"),
    "field.format": ("Format", "Format"),
    "field.search": ("Search", "Recherche"),
    "field.rows": ("Rows", "Lignes"),
    "error.username_invalid": (
        "{field}: 3 to 40 letters, digits, '.', '-' or '_'.",
        "{field} : 3 à 40 lettres, chiffres, « . », « - » ou « _ ».",
    ),
    "error.username_taken": (
        "{field} {value} is already taken.",
        "{field} {value} est déjà pris.",
    ),
    "error.setup_done": (
        "{field}: an administrator already exists; sign in instead.",
        "{field} : un administrateur existe déjà ; connectez-vous.",
    ),
    "error.password_too_short": (
        "{field} must have at least {min} characters.",
        "{field} doit faire au moins {min} caractères.",
    ),
    "error.password_too_simple": (
        "{field} is too simple: mix more different characters.",
        "{field} est trop simple : variez davantage les caractères.",
    ),
    "error.password_mismatch": (
        "{field} and its confirmation differ.",
        "{field} et sa confirmation diffèrent.",
    ),
    "error.cannot_deactivate_self": (
        "{field}: you cannot deactivate your own account.",
        "{field} : vous ne pouvez pas désactiver votre propre compte.",
    ),
    "error.last_admin": (
        "{field}: the shop needs at least one active administrator.",
        "{field} : la boutique doit garder au moins un administrateur actif.",
    ),
    "error.whole_number_between": (
        "{field} must be a whole number from {low} to {high}.",
        "{field} doit être un nombre entier de {low} à {high}.",
    ),
    "error.export_too_many": (
        "{field}: more than {max} rows; narrow the search or choose CSV.",
        "{field} : plus de {max} lignes ; affinez la recherche ou choisissez CSV.",
    ),
    "staff.title": ("Staff accounts", "Comptes du personnel"),
    "staff.save": ("Save changes", "Enregistrer les modifications"),
    "staff.saved": ("Staff accounts saved.", "Comptes enregistrés."),
    "staff.add": ("Add a staff member", "Ajouter un membre du personnel"),
    "staff.create": ("Create account", "Créer le compte"),
    "staff.created": ("Account created for {name}.", "Compte créé pour {name}."),
    "staff.reset": ("Reset a password", "Réinitialiser un mot de passe"),
    "staff.reset_button": ("Set password", "Définir le mot de passe"),
    "staff.password_set": ("New password set for {name}.", "Nouveau mot de passe pour {name}."),
    # Audit trail
    "card.tab.history": ("History", "Historique"),
    "card.consent_by": ("By", "Par"),
    "choice.yes": ("Yes", "Oui"),
    "choice.no": ("No", "Non"),
    "audit.title": ("Audit trail", "Journal d'audit"),
    "audit.search": ("Search the changes", "Chercher dans les modifications"),
    "audit.search_help": (
        "Any text in the changes or the staff name, or a record's id.",
        "Tout texte des modifications ou du nom, ou l'identifiant d'une fiche.",
    ),
    "audit.all": ("All", "Tous"),
    "audit.since": ("From", "Du"),
    "audit.until": ("To", "Au"),
    "audit.when": ("When", "Quand"),
    "audit.staff": ("Staff", "Personnel"),
    "audit.action": ("Action", "Action"),
    "audit.screen": ("Screen", "Écran"),
    "audit.entity": ("Record", "Fiche"),
    "audit.entity_id": ("Id", "Id"),
    "audit.changes": ("Changes", "Modifications"),
    "audit.none": ("No change recorded.", "Aucune modification enregistrée."),
    "audit.count": (
        "{total} entries · page {page} of {pages}",
        "{total} entrées · page {page} sur {pages}",
    ),
    "action.create": ("Created", "Création"),
    "action.update": ("Changed", "Modification"),
    "action.archive": ("Archived", "Archivage"),
    "action.restore": ("Restored", "Restauration"),
    "action.export": ("Exported", "Export"),
    "action.sign_in": ("Signed in", "Connexion"),
    "action.sign_in_failed": ("Failed sign-in", "Connexion refusée"),
    "action.locked": ("Locked", "Blocage"),
    "action.password": ("Password set", "Mot de passe défini"),
    "entity.customer": ("Customer", "Client"),
    "entity.customer_list": ("Customer list", "Liste de clients"),
    "entity.settings": ("Settings", "Paramètres"),
    "entity.staff": ("Staff", "Personnel"),
    "screen.login": ("Sign-in", "Connexion"),
    "screen.first_admin": ("First start", "Premier démarrage"),
    "screen.staff_admin": ("Staff accounts", "Comptes du personnel"),
    "screen.settings": ("Settings", "Paramètres"),
    "screen.export": ("Export", "Export"),
    "settings.security": ("Sign-in and sessions", "Connexion et sessions"),
    # Export
    "export.title": ("Export customers", "Exporter les clients"),
    "export.intro": (
        "The customers matching the search, as a file for a spreadsheet. "
        "Each export is recorded in the audit trail.",
        "Les clients correspondant à la recherche, en fichier pour un tableur. "
        "Chaque export est noté dans le journal d'audit.",
    ),
    "export.format": ("Format", "Format"),
    "export.matches": ("{total} customers match.", "{total} clients correspondent."),
    "export.prepare": ("Prepare the file", "Préparer le fichier"),
    "export.ready": ("{rows} customers in {name}.", "{rows} clients dans {name}."),
    "export.download": ("Download", "Télécharger"),
}


def t(key: str, language: str = "en", **params: object) -> str:
    """The message in the language, with {params} filled in."""
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if language == "fr" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError):
            return text
    return text
