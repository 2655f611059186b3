"""Reading an Azure Storage connection string (``shared.adapters.storage.connection_string``).

The Azure SDKs are the oracle: for any connection string they accept with an account key, the endpoint and the key
must be theirs. Anything else is refused with a message that never shows the key.
"""

from __future__ import annotations

import base64
import re

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.queue import QueueServiceClient
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.storage.connection_string import DEV_KEY, BadConnectionString, account_of
from shared.config import ConfigError, load_settings

NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=3, max_size=24)
KEYS = st.binary(min_size=1, max_size=64).map(lambda raw: base64.b64encode(raw).decode())
HOSTS = st.sampled_from(["127.0.0.1:10002", "example.test", "tables.contoso.test:8443"])


def _cased(name: str) -> st.SearchStrategy[str]:
    """The setting's name in any case (the SDKs read names case-insensitively)."""
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in name)).map("".join)


@st.composite
def connection_strings(draw: st.DrawFn) -> tuple[str, str, str]:
    """A connection string with an account key (settings in any order and case), its account name and key."""
    name, key = draw(NAMES), draw(KEYS)
    settings = {"AccountName": name, "AccountKey": key}
    if draw(st.booleans()):  # the SDKs ignore the protocol when no suffix is given (below): both or neither here
        settings["DefaultEndpointsProtocol"] = draw(st.sampled_from(["http", "https"]))
        settings["EndpointSuffix"] = draw(st.sampled_from(["core.windows.net", "core.chinacloudapi.cn"]))
    for service in ("Table", "Queue"):
        if draw(st.booleans()):
            host = draw(HOSTS)
            settings[f"{service}Endpoint"] = f"{draw(st.sampled_from(['http', 'https']))}://{host}/{name}"
    pairs = [f"{draw(_cased(setting))}={value}" for setting, value in settings.items()]
    text = ";".join(draw(st.permutations(pairs)))
    return text + draw(st.sampled_from(["", ";"])), name, key


@given(connection_strings())
def test_an_account_key_connection_string_names_the_endpoints_and_key_the_sdks_name(
    case: tuple[str, str, str],
) -> None:
    text, name, key = case
    for service, client in (("table", TableServiceClient), ("queue", QueueServiceClient)):
        theirs = client.from_connection_string(text)
        ours = account_of(text, service)  # type: ignore[arg-type]
        assert ours.url == theirs.url.rstrip("/")
        assert (ours.credential.named_key.name, ours.credential.named_key.key) == (name, key)


def test_development_storage_is_azurites_well_known_account() -> None:
    for text in ("UseDevelopmentStorage=true", "usedevelopmentstorage=TRUE"):
        table, queue = account_of(text, "table"), account_of(text, "queue")
        assert table.url == TableServiceClient.from_connection_string(text).url.rstrip("/")
        assert (table.url, queue.url) == (
            "http://127.0.0.1:10002/devstoreaccount1",
            "http://127.0.0.1:10001/devstoreaccount1",
        )
        assert table.credential.named_key.key == DEV_KEY


def test_the_protocol_is_kept_without_a_suffix_where_the_sdks_would_use_https() -> None:
    """The documented short form: the suffix defaults to core.windows.net, and the protocol is the one asked for."""
    text = f"DefaultEndpointsProtocol=http;AccountName=acct;AccountKey={DEV_KEY}"
    assert account_of(text, "table").url == "http://acct.table.core.windows.net"
    assert account_of(text.replace("http;", "https;"), "queue").url == "https://acct.queue.core.windows.net"
    assert account_of(f"AccountName=acct;AccountKey={DEV_KEY}").url == "https://acct.table.core.windows.net"


SECRET = base64.b64encode(b"a key nobody may see").decode()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"AccountKey={SECRET}", "expected AccountName and AccountKey"),
        ("AccountName=acct", "expected AccountName and AccountKey"),
        ("AccountName=acct;SharedAccessSignature=sv=2024&sig=abc", "a shared access signature alone is not used"),
        ("AccountName=acct;AccountKey=not base64!", "AccountKey is not base64"),
        (f"AccountName=acct;AccountKey={SECRET};TableEndpoint=ftp://files", "the table endpoint is not an http(s) URL"),
        (f"AccountName=acct;AccountKey={SECRET};accountname=other", "given twice"),
        (f"AccountName=acct;{SECRET.rstrip('=')}", "part 2 is not one"),
        ("", "expected AccountName and AccountKey"),
    ],
)
def test_a_connection_string_without_an_account_endpoint_and_key_is_refused_saying_why(text: str, says: str) -> None:
    with pytest.raises(BadConnectionString, match=re.escape(says)) as refused:
        account_of(text)
    assert SECRET.rstrip("=") not in str(refused.value)


@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_any_text_is_read_or_refused_and_the_refusal_never_shows_a_value(text: str) -> None:
    try:
        account = account_of(text)
    except BadConnectionString as refused:
        for piece in text.split(";"):
            value = piece.partition("=")[2].strip()
            if len(value) > 3 and "endpoint" not in piece.lower():  # an endpoint URL is shown, cut at its first '='
                assert value not in str(refused), "a setting's value in the error"
    else:
        assert account.url.startswith(("http://", "https://"))


def test_settings_refuse_a_bad_connection_string_at_start_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="WEGROW_STORAGE_CONNECTION: AccountKey is not base64") as refused:
        load_settings(storage_connection="AccountName=acct;AccountKey=s3cr3t!")
    assert "s3cr3t" not in str(refused.value)
