-- tta-acs schema, SQLite dialect. The PostgreSQL file of the same name is the same schema;
-- they differ only in how an identity column and binary data are spelt.
-- Times are milliseconds since the Unix epoch. JSON is stored as TEXT.

CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    -- The provisioning server URL and NTP server offered in the provider list.
    url TEXT NOT NULL,
    ntp TEXT NOT NULL,
    -- The SDS/SMS settings and the upgrade server handed to this provider's STBs (JSON).
    service TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE subscribers (
    device_id TEXT PRIMARY KEY,
    provider_id TEXT,
    name TEXT NOT NULL,
    -- The certificate the trust authority knows, when the server checks it itself.
    certificate TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    oui TEXT NOT NULL,
    product_class TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    model_name TEXT NOT NULL,
    root TEXT NOT NULL,
    software_version TEXT NOT NULL,
    hardware_version TEXT NOT NULL,
    provider_id TEXT,
    phase TEXT NOT NULL,
    prov_result TEXT,
    -- tta_datamodel::DeviceRecord (JSON).
    record TEXT NOT NULL,
    connection_request_url TEXT,
    udp_connection_request_address TEXT,
    -- Credentials: the device's for this server, then this server's for the device's
    -- connection requests. NULL: the standard's defaults.
    password TEXT,
    connection_request_username TEXT,
    connection_request_password TEXT,
    ip_address TEXT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    last_inform_at BIGINT NOT NULL,
    -- The last Inform: events and parameters (JSON).
    last_inform TEXT NOT NULL,
    -- Every parameter value learnt: {name: [value, type]} (JSON).
    parameters TEXT NOT NULL
);
CREATE INDEX devices_provider ON devices (provider_id);
CREATE INDEX devices_last_inform ON devices (last_inform_at);

CREATE TABLE packages (
    name TEXT PRIMARY KEY,
    manufacturer TEXT NOT NULL,
    model_name TEXT NOT NULL,
    -- fwupgrade pkgId: 'firmware' or 'application'.
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    size BIGINT NOT NULL,
    -- Lower-case hex SHA-256 of the content.
    checksum TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX packages_model ON packages (manufacturer, model_name, kind);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    -- The task as the API took it (JSON).
    spec TEXT NOT NULL,
    -- queued, sent (in session_id), transferring (a Download waiting for its
    -- TransferComplete), done, fault.
    status TEXT NOT NULL,
    session_id TEXT,
    result TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX tasks_device ON tasks (device_id, status, id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    session_id TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX events_device ON events (device_id, id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    -- The session machine and what the server remembers between POSTs (JSON).
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL
);
CREATE INDEX sessions_deadline ON sessions (deadline);
CREATE INDEX sessions_device ON sessions (device_id);

-- Per-model quirk settings (JSON), keyed 'OUI-ProductClass' or 'Manufacturer/ModelName'.
CREATE TABLE quirks (
    model TEXT PRIMARY KEY,
    settings TEXT NOT NULL
);
