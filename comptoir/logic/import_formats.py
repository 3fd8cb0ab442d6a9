"""The customer exports of other systems, recognised by their headers.

Each format lists the columns its export documentation names and the card field each
holds (IGNORE: a column with a look-alike name that is not that field, such as
Thunderbird's "Birth Day", a day of the month). A file is the format whose signature
columns it all has (the most specific one when several match); any other file is
mapped by header synonyms in English, French, German and Spanish.
Pure: headers in, a format and a mapping out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

IGNORE = ""  # a known column that is not one of the card's fields
FULL_NAME = "full_name"  # one column holding first and last name, split on import


def squeeze(text: str) -> str:
    """A header as compared: lower case, no accents, letters and digits only."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@dataclass(frozen=True)
class FileFormat:
    """One system's customer export: its name, what identifies it, its columns."""

    code: str
    name: str
    signature: tuple[str, ...]
    columns: Mapping[str, str]

    def field_of(self, header: str) -> str | None:
        """The field a header of this format holds (IGNORE: none); None: not known here."""
        return self._squeezed.get(squeeze(header))

    @cached_property
    def _squeezed(self) -> dict[str, str]:
        return {squeeze(h): f for h, f in self.columns.items()}

    def matches(self, headers: Sequence[str]) -> bool:
        have = {squeeze(h) for h in headers}
        return all(squeeze(s) in have for s in self.signature)


_SHOPIFY = {
    "Customer ID": IGNORE,
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email": "email",
    "Accepts Email Marketing": "marketing_opt_in",
    "Accepts SMS Marketing": "sms_opt_in",
    "Accepts Marketing": "marketing_opt_in",
    "Default Address Company": "company",
    "Default Address Address1": "address1",
    "Default Address Address2": "address2",
    "Default Address City": "city",
    "Default Address Province Code": "region",
    "Default Address Country Code": "country_code",
    "Default Address Zip": "postcode",
    "Default Address Phone": "phone",
    "Company": "company",
    "Address1": "address1",
    "Address2": "address2",
    "City": "city",
    "Province": IGNORE,
    "Province Code": "region",
    "Country": IGNORE,
    "Country Code": "country_code",
    "Zip": "postcode",
    "Phone": "mobile",
    "Total Spent": IGNORE,
    "Total Orders": IGNORE,
    "Note": "notes",
    "Tax Exempt": "tax_exempt",
    "Tags": "tags",
}

_SQUARE = {
    "Reference ID": "account_number",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Email Address": "email",
    "Phone Number": "mobile",
    "Nickname": IGNORE,
    "Company Name": "company",
    "Street Address 1": "address1",
    "Street Address 2": "address2",
    "City": "city",
    "State": "region",
    "Postal Code": "postcode",
    "Birthday": "date_of_birth",
    "Memo": "notes",
    "Square Customer ID": IGNORE,
    "Creation Source": IGNORE,
    "First Visit": IGNORE,
    "Last Visit": IGNORE,
    "Transaction Count": IGNORE,
    "Total Spend": IGNORE,
    "Email Subscription Status": "marketing_opt_in",
    "Instant Profile": IGNORE,
}

_LIGHTSPEED_R = {
    "Customer ID": IGNORE,
    "First Name": "first_name",
    "Last Name": "last_name",
    "Title": "title",
    "Company": "company",
    "Birthday": "date_of_birth",
    "Address 1": "address1",
    "Address 2": "address2",
    "City": "city",
    "State": "region",
    "Zip": "postcode",
    "Country": "country_code",
    "Home Phone": "phone",
    "Work Phone": IGNORE,
    "Mobile": "mobile",
    "Email": "email",
    "Email 2": IGNORE,
    "Customer Type": "tags",  # the customer's group: a tag here
    "Discount": IGNORE,  # a named discount (e.g. "Staff"), not a percentage
    "Tax Category": IGNORE,
    "Notes": "notes",
    "Contact Website": IGNORE,
}

_LIGHTSPEED_X = {
    "id": IGNORE,
    "customer_code": "account_number",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "fax": "fax",
    "company_name": "company",
    "date_of_birth": "date_of_birth",
    "sex": "gender",
    "physical_address_1": "address1",
    "physical_address_2": "address2",
    "physical_suburb": IGNORE,
    "physical_city": "city",
    "physical_postcode": "postcode",
    "physical_state": "region",
    "physical_country_id": "country_code",
    "note": "notes",
    "do_not_email": IGNORE,
    "customer_group_name": "tags",  # the customer's group: a tag here
    "loyalty_balance": IGNORE,
}

_WOOCOMMERCE = {
    "customer_id": IGNORE,
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "billing_first_name": IGNORE,
    "billing_last_name": IGNORE,
    "billing_company": "company",
    "billing_address_1": "address1",
    "billing_address_2": "address2",
    "billing_city": "city",
    "billing_state": "region",
    "billing_postcode": "postcode",
    "billing_country": "country_code",
    "billing_email": IGNORE,
    "billing_phone": "mobile",
}

_PRESTASHOP_CUSTOMERS = {
    "ID": IGNORE,
    "Active (0/1)": IGNORE,
    "Titles ID (Mr = 1, Ms = 2, else 0)": IGNORE,
    "Email *": "email",
    "Password *": IGNORE,  # never read: another system's password hash
    "Birthday (yyyy-mm-dd)": "date_of_birth",
    "Last Name *": "last_name",
    "First Name *": "first_name",
    "Newsletter (0/1)": "marketing_opt_in",
    "Opt-in (0/1)": IGNORE,
    "Registration date (yyyy-mm-dd)": IGNORE,
    "Groups (x,y,z...)": IGNORE,
    "Default group ID": IGNORE,
    # The back office's list export (Customers > Export).
    "Social title": "title",
    "First name": "first_name",
    "Last name": "last_name",
    "Email": "email",
    "Newsletter": "marketing_opt_in",
    "Partner offers": IGNORE,
    "Birthday": "date_of_birth",
    "Company": "company",
    "Sales": IGNORE,
    "Enabled": IGNORE,
    "Registration": IGNORE,
    "Last visit": IGNORE,
}

_PRESTASHOP_ADDRESSES = {
    "Address ID": IGNORE,
    "Alias *": IGNORE,
    "Active  (0/1)": IGNORE,
    "Customer e-mail": "email",
    "Customer ID": IGNORE,
    "Manufacturer": IGNORE,
    "Supplier": IGNORE,
    "Company": "company",
    "Last Name *": "last_name",
    "First Name *": "first_name",
    "Address 1 *": "address1",
    "Address 2": "address2",
    "Zip/postal code *": "postcode",
    "City *": "city",
    "Country *": "country_code",
    "State": "region",
    "Other": "notes",
    "Phone": "phone",
    "Mobile Phone": "mobile",
    "VAT number": "tax_number",
    "DNI": IGNORE,
}

_ODOO_TECHNICAL = {
    "id": IGNORE,
    "name": FULL_NAME,
    "display_name": IGNORE,
    "email": "email",
    "phone": "phone",
    "mobile": "mobile",
    "street": "address1",
    "street2": "address2",
    "city": "city",
    "zip": "postcode",
    "state_id": "region",
    "country_id": "country_code",
    "country_id/id": "country_code",
    "country_id/name": IGNORE,
    "company_name": "company",
    "parent_id": IGNORE,
    "comment": "notes",
    "vat": "tax_number",
    "ref": "account_number",
    "lang": "language",
    "is_company": IGNORE,
    "title": IGNORE,
}

_MAILCHIMP = {
    "Email Address": "email",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Address": IGNORE,  # one text of several parts (street  city  state  zip  country)
    "Phone Number": "mobile",
    "Birthday": IGNORE,  # month/day only
    "MEMBER_RATING": IGNORE,
    "OPTIN_TIME": IGNORE,
    "OPTIN_IP": IGNORE,
    "CONFIRM_TIME": "consent_date",  # when the subscriber confirmed (double opt-in)
    "CONFIRM_IP": IGNORE,
    "LATITUDE": IGNORE,
    "LONGITUDE": IGNORE,
    "GMTOFF": IGNORE,
    "DSTOFF": IGNORE,
    "TIMEZONE": IGNORE,
    "CC": "country_code",
    "REGION": IGNORE,
    "LAST_CHANGED": IGNORE,
    "LEID": IGNORE,
    "EUID": IGNORE,
    "NOTES": "notes",
    "TAGS": "tags",
    "Email Subscription Status": "marketing_opt_in",
    "Status": "marketing_opt_in",
}

_GOOGLE = {
    "Name": FULL_NAME,
    "Given Name": "first_name",
    "Family Name": "last_name",
    "First Name": "first_name",
    "Middle Name": IGNORE,
    "Last Name": "last_name",
    "Nickname": IGNORE,
    "File As": IGNORE,
    "Organization Name": "company",
    "Organization 1 - Name": "company",
    "Organization Title": IGNORE,
    "Birthday": "date_of_birth",
    "Notes": "notes",
    "Labels": "tags",
    "Group Membership": IGNORE,
    "E-mail 1 - Label": IGNORE,
    "E-mail 1 - Value": "email",
    "E-mail 2 - Value": IGNORE,
    "Phone 1 - Label": IGNORE,
    "Phone 1 - Value": "mobile",
    "Phone 2 - Label": IGNORE,
    "Phone 2 - Value": "phone",
    "Address 1 - Label": IGNORE,
    "Address 1 - Formatted": IGNORE,
    "Address 1 - Street": "address1",
    "Address 1 - Extended Address": "address2",
    "Address 1 - City": "city",
    "Address 1 - PO Box": IGNORE,
    "Address 1 - Region": "region",
    "Address 1 - Postal Code": "postcode",
    "Address 1 - Country": "country_code",
}

_OUTLOOK = {
    "First Name": "first_name",
    "Middle Name": IGNORE,
    "Last Name": "last_name",
    "Title": "title",
    "Suffix": IGNORE,
    "Company": "company",
    "Department": IGNORE,
    "Job Title": IGNORE,
    "E-mail Address": "email",
    "E-mail 2 Address": IGNORE,
    "E-mail 3 Address": IGNORE,
    "Home Phone": "phone",
    "Business Phone": IGNORE,
    "Mobile Phone": "mobile",
    "Home Street": "address1",
    "Home Street 2": "address2",
    "Home City": "city",
    "Home State": "region",
    "Home Postal Code": "postcode",
    "Home Country/Region": "country_code",
    "Business Street": IGNORE,
    "Business City": IGNORE,
    "Business State": IGNORE,
    "Business Postal Code": IGNORE,
    "Business Country/Region": IGNORE,
    "Birthday": "date_of_birth",
    "Notes": "notes",
    "Gender": IGNORE,
    "Categories": "tags",
}

_THUNDERBIRD = {
    "First Name": "first_name",
    "Last Name": "last_name",
    "Display Name": IGNORE,
    "Nickname": IGNORE,
    "Primary Email": "email",
    "Secondary Email": IGNORE,
    "Screen Name": IGNORE,
    "Work Phone": IGNORE,
    "Home Phone": "phone",
    "Fax Number": "fax",
    "Pager Number": IGNORE,
    "Mobile Number": "mobile",
    "Home Address": "address1",
    "Home Address 2": "address2",
    "Home City": "city",
    "Home State": "region",
    "Home ZipCode": "postcode",
    "Home Country": "country_code",
    "Work Address": IGNORE,
    "Work Address 2": IGNORE,
    "Work City": IGNORE,
    "Work State": IGNORE,
    "Work ZipCode": IGNORE,
    "Work Country": IGNORE,
    "Job Title": IGNORE,
    "Department": IGNORE,
    "Organization": "company",
    "Web Page 1": IGNORE,
    "Web Page 2": IGNORE,
    "Birth Year": IGNORE,
    "Birth Month": IGNORE,
    "Birth Day": IGNORE,  # the day of the month only, not a date of birth
    "Custom 1": IGNORE,
    "Custom 2": IGNORE,
    "Custom 3": IGNORE,
    "Custom 4": IGNORE,
    "Notes": "notes",
}

FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "shopify",
        "Shopify",
        ("First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Zip"),
        _SHOPIFY,
    ),
    FileFormat(
        "shopify_2022",
        "Shopify (before 2023)",
        ("First Name", "Last Name", "Email", "Accepts Marketing", "Total Orders"),
        _SHOPIFY,
    ),
    FileFormat(
        "square",
        "Square",
        ("Square Customer ID", "Email Address", "Phone Number", "Street Address 1"),
        _SQUARE,
    ),
    FileFormat(
        "lightspeed_r",
        "Lightspeed Retail (R-Series)",
        ("Customer ID", "First Name", "Last Name", "Address 1", "Home Phone", "Customer Type"),
        _LIGHTSPEED_R,
    ),
    FileFormat(
        "lightspeed_x",
        "Lightspeed Retail (X-Series, Vend)",
        ("customer_code", "first_name", "last_name", "physical_address_1"),
        _LIGHTSPEED_X,
    ),
    FileFormat(
        "woocommerce",
        "WooCommerce",
        ("first_name", "last_name", "billing_address_1", "billing_postcode"),
        _WOOCOMMERCE,
    ),
    FileFormat(
        "prestashop",
        "PrestaShop (customers)",
        ("Email *", "Last Name *", "First Name *", "Newsletter (0/1)"),
        _PRESTASHOP_CUSTOMERS,
    ),
    FileFormat(
        "prestashop_list",
        "PrestaShop (customers)",
        ("Social title", "First name", "Last name", "Email", "Newsletter", "Partner offers"),
        _PRESTASHOP_CUSTOMERS,
    ),
    FileFormat(
        "prestashop_addresses",
        "PrestaShop (addresses)",
        ("Alias *", "Address 1 *", "Zip/postal code *", "City *", "Country *"),
        _PRESTASHOP_ADDRESSES,
    ),
    FileFormat("odoo", "Odoo", ("name", "street", "zip", "city"), _ODOO_TECHNICAL),
    FileFormat(
        "mailchimp",
        "Mailchimp (audience)",
        ("Email Address", "MEMBER_RATING", "OPTIN_TIME", "LEID"),
        _MAILCHIMP,
    ),
    FileFormat(
        "google",
        "Google Contacts",
        ("E-mail 1 - Value", "Phone 1 - Value"),
        _GOOGLE,
    ),
    FileFormat(
        "outlook",
        "Outlook",
        ("First Name", "Last Name", "E-mail Address", "Mobile Phone", "Home Postal Code"),
        _OUTLOOK,
    ),
    FileFormat(
        "thunderbird",
        "Thunderbird",
        ("First Name", "Last Name", "Primary Email", "Mobile Number", "Birth Day"),
        _THUNDERBIRD,
    ),
)

# Odoo's labelled export (the list view's column titles) in English, French, German and
# Spanish: recognised when the name, street and postcode columns are there.
_ODOO_LABELS: dict[str, tuple[str, ...]] = {
    FULL_NAME: ("Name", "Nom", "Nombre"),
    "address1": ("Street", "Rue", "Straße", "Calle"),
    "address2": ("Street2", "Rue 2", "Straße 2", "Calle 2"),
    "postcode": ("Zip", "Code postal", "PLZ", "C.P.", "Código postal"),
    "city": ("City", "Ville", "Stadt", "Ort", "Ciudad"),
    "country_code": ("Country", "Pays", "Land", "País"),
    "region": ("State", "État", "Bundesland", "Provincia"),
    "email": ("Email", "E-mail", "Courriel", "E-Mail", "Correo electrónico"),
    "phone": ("Phone", "Téléphone", "Telefon", "Teléfono"),
    "mobile": ("Mobile", "Mobil", "Móvil"),
    "company": ("Company Name", "Nom de la société", "Firmenname", "Nombre de la compañía"),
    "tax_number": ("Tax ID", "N° TVA", "Steuernummer", "NIF"),
    "notes": ("Notes", "Note", "Notizen", "Notas"),
    "account_number": ("Reference", "Référence", "Referenz", "Referencia"),
}
ODOO_LABELLED = FileFormat(
    "odoo_labels",
    "Odoo",
    (),
    {label: field for field, labels in _ODOO_LABELS.items() for label in labels},
)


def _odoo_labelled(headers: Sequence[str]) -> bool:
    have = {squeeze(h) for h in headers}

    def present(field: str) -> bool:
        return any(squeeze(label) in have for label in _ODOO_LABELS[field])

    return all(present(f) for f in (FULL_NAME, "address1", "postcode", "city")) and not any(
        squeeze(h) in have for h in ("First Name", "Prénom", "Vorname", "Nombre de pila")
    )


def recognise(headers: Sequence[str]) -> FileFormat | None:
    """The system whose export this is (the one whose signature it matches most fully)."""
    found = [f for f in FORMATS if f.matches(headers)]
    if found:
        return max(found, key=lambda f: len(f.signature))
    if _odoo_labelled(headers):
        return ODOO_LABELLED
    return None
