//! The stored records and the queries over them.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, StoreError, Write, from_json, to_json};

/// A device, as the last Inform and the procedure left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// The device ID, `OUI-ProductClass-SerialNumber`.
    pub id: String,
    /// `DeviceId.OUI`.
    pub oui: String,
    /// `DeviceId.ProductClass`.
    pub product_class: String,
    /// `DeviceId.SerialNumber`.
    pub serial_number: String,
    /// `DeviceId.Manufacturer`.
    pub manufacturer: String,
    /// `DeviceInfo.ModelName`, when an Inform carried it.
    pub model_name: String,
    /// `Device` or `InternetGatewayDevice`.
    pub root: String,
    /// `DeviceInfo.SoftwareVersion`.
    pub software_version: String,
    /// `DeviceInfo.HardwareVersion`.
    pub hardware_version: String,
    /// The provider the STB chose, when it said.
    pub provider_id: Option<String>,
    /// Where the device is in the TTA procedure (`dhcp`, `authentication`, `provisioned`,
    /// `refused`), or `cwmp` for a device outside it.
    pub phase: String,
    /// The last `X_TTA_ProvResult` sent (`01`, `021`, `022`).
    pub prov_result: Option<String>,
    /// What the procedure remembers across sessions.
    pub record: tta_datamodel::DeviceRecord,
    /// `ManagementServer.ConnectionRequestURL`.
    pub connection_request_url: Option<String>,
    /// `ManagementServer.UDPConnectionRequestAddress`.
    pub udp_connection_request_address: Option<String>,
    /// The device's password for this server (`None`: the configured default).
    #[serde(skip)]
    pub password: Option<String>,
    /// This server's user name for the device's connection requests (`None`: the device ID).
    #[serde(skip)]
    pub connection_request_username: Option<String>,
    /// This server's password for connection requests (`None`: the standard's default).
    #[serde(skip)]
    pub connection_request_password: Option<String>,
    /// The address the last Inform came from.
    pub ip_address: String,
    /// When the device first informed (ms since the epoch).
    pub first_seen_at: i64,
    /// When the device last informed (ms since the epoch).
    pub last_inform_at: i64,
    /// The last Inform's events and parameters.
    pub last_inform: serde_json::Value,
    /// Every parameter learnt: `{name: [value, type]}`.
    pub parameters: serde_json::Map<String, serde_json::Value>,
}

const DEVICE_COLUMNS: &str = "id, oui, product_class, serial_number, manufacturer, model_name, \
    root, software_version, hardware_version, provider_id, phase, prov_result, record, \
    connection_request_url, udp_connection_request_address, password, \
    connection_request_username, connection_request_password, ip_address, first_seen_at, \
    last_inform_at, last_inform, parameters";

impl Device {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.try_get("id")?,
            oui: row.try_get("oui")?,
            product_class: row.try_get("product_class")?,
            serial_number: row.try_get("serial_number")?,
            manufacturer: row.try_get("manufacturer")?,
            model_name: row.try_get("model_name")?,
            root: row.try_get("root")?,
            software_version: row.try_get("software_version")?,
            hardware_version: row.try_get("hardware_version")?,
            provider_id: row.try_get("provider_id")?,
            phase: row.try_get("phase")?,
            prov_result: row.try_get("prov_result")?,
            record: from_json("devices.record", row.try_get("record")?)?,
            connection_request_url: row.try_get("connection_request_url")?,
            udp_connection_request_address: row.try_get("udp_connection_request_address")?,
            password: row.try_get("password")?,
            connection_request_username: row.try_get("connection_request_username")?,
            connection_request_password: row.try_get("connection_request_password")?,
            ip_address: row.try_get("ip_address")?,
            first_seen_at: row.try_get("first_seen_at")?,
            last_inform_at: row.try_get("last_inform_at")?,
            last_inform: from_json("devices.last_inform", row.try_get("last_inform")?)?,
            parameters: from_json("devices.parameters", row.try_get("parameters")?)?,
        })
    }

    /// The device `id`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<Self>, StoreError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// The device `id` and how many sessions it has stored, in one read: what an Inform
    /// needs before it takes the turn to write (its credentials, and whether a session it
    /// left open must be ended first).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get_for_inform(
        conn: &mut Conn,
        id: &str,
    ) -> Result<(Option<Self>, i64), StoreError> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS}, \
             (SELECT COUNT(*) FROM sessions WHERE sessions.device_id = $1) AS open_sessions \
             FROM devices WHERE id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(row) => Ok((Some(Self::from_row(&row)?), row.try_get("open_sessions")?)),
            // Sessions are stored with their device: none without one.
            None => Ok((None, 0)),
        }
    }

    /// The device whose serial number is `serial` (the STB's MAC address in upper-case hex,
    /// as the upgrade protocol's `devId` gives it).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn find_by_serial(conn: &mut Conn, serial: &str) -> Result<Option<Self>, StoreError> {
        let sql = format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE serial_number = $1 LIMIT 1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(serial)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// Stores the device, new or changed. The credentials are written only with a new
    /// device: afterwards they are the API's ([`Device::set_credentials`]), so an Inform
    /// that read the device before an API call changed them cannot put the old ones back.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn put(&self, conn: &mut Conn) -> Result<(), StoreError> {
        self.put_write().execute(&mut *conn).await?;
        Ok(())
    }

    /// [`Device::put`] as a write to run later ([`super::Store::write_batched`]).
    pub fn put_write(&self) -> Write {
        sqlx::query(
            "INSERT INTO devices (id, oui, product_class, serial_number, manufacturer, \
             model_name, root, software_version, hardware_version, provider_id, phase, \
             prov_result, record, connection_request_url, udp_connection_request_address, \
             password, connection_request_username, connection_request_password, ip_address, \
             first_seen_at, last_inform_at, last_inform, parameters) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, $21, $22, $23) \
             ON CONFLICT (id) DO UPDATE SET oui = $2, product_class = $3, serial_number = $4, \
             manufacturer = $5, model_name = $6, root = $7, software_version = $8, \
             hardware_version = $9, provider_id = $10, phase = $11, prov_result = $12, \
             record = $13, connection_request_url = $14, \
             udp_connection_request_address = $15, \
             ip_address = $19, last_inform_at = $21, last_inform = $22, parameters = $23",
        )
        .bind(&self.id)
        .bind(&self.oui)
        .bind(&self.product_class)
        .bind(&self.serial_number)
        .bind(&self.manufacturer)
        .bind(&self.model_name)
        .bind(&self.root)
        .bind(&self.software_version)
        .bind(&self.hardware_version)
        .bind(&self.provider_id)
        .bind(&self.phase)
        .bind(&self.prov_result)
        .bind(to_json(&self.record))
        .bind(&self.connection_request_url)
        .bind(&self.udp_connection_request_address)
        .bind(&self.password)
        .bind(&self.connection_request_username)
        .bind(&self.connection_request_password)
        .bind(&self.ip_address)
        .bind(self.first_seen_at)
        .bind(self.last_inform_at)
        .bind(to_json(&self.last_inform))
        .bind(to_json(&self.parameters))
    }

    /// Sets the device's credentials; whether the device exists.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn set_credentials(
        conn: &mut Conn,
        id: &str,
        password: Option<&str>,
        connection_request_username: Option<&str>,
        connection_request_password: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE devices SET password = $2, connection_request_username = $3, \
             connection_request_password = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(password)
        .bind(connection_request_username)
        .bind(connection_request_password)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The devices matching `filter`, by ID.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn list(conn: &mut Conn, filter: &DeviceFilter) -> Result<Vec<Self>, StoreError> {
        let sql = format!(
            "SELECT {DEVICE_COLUMNS} FROM devices \
             WHERE ($1 IS NULL OR provider_id = $1) AND ($2 IS NULL OR phase = $2) \
             AND ($3 IS NULL OR last_inform_at >= $3) AND ($4 IS NULL OR last_inform_at < $4) \
             AND ($5 IS NULL OR model_name = $5) AND ($6 IS NULL OR product_class = $6) \
             ORDER BY id LIMIT $7"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&filter.provider)
            .bind(&filter.phase)
            .bind(filter.informed_since)
            .bind(filter.informed_before)
            .bind(&filter.model_name)
            .bind(&filter.product_class)
            .bind(filter.limit.unwrap_or(10_000))
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// Deletes the device with its tasks and event log; whether it existed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(conn: &mut Conn, id: &str) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM tasks WHERE device_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM events WHERE device_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query("DELETE FROM devices WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// Which devices a listing (or a task for many devices) takes. Every field left `None`
/// matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceFilter {
    /// The provider chosen.
    pub provider: Option<String>,
    /// The provisioning phase.
    pub phase: Option<String>,
    /// Informed at or after (ms since the epoch).
    pub informed_since: Option<i64>,
    /// Informed before (ms since the epoch).
    pub informed_before: Option<i64>,
    /// `DeviceInfo.ModelName`.
    pub model_name: Option<String>,
    /// `DeviceId.ProductClass`.
    pub product_class: Option<String>,
    /// At most this many.
    pub limit: Option<i64>,
}

/// Where a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Waiting for the device's next session.
    Queued,
    /// Sent in a session that has not answered yet.
    Sent,
    /// A Download the device accepted, waiting for its TransferComplete.
    Transferring,
    /// Done: the result is stored.
    Done,
    /// The device answered with a fault: stored in the result.
    Fault,
}

impl TaskStatus {
    /// As stored.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Transferring => "transferring",
            Self::Done => "done",
            Self::Fault => "fault",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "sent" => Self::Sent,
            "transferring" => Self::Transferring,
            "done" => Self::Done,
            "fault" => Self::Fault,
            _ => Self::Queued,
        }
    }

    /// Whether the task has its result.
    #[must_use]
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Fault)
    }
}

/// A task queued for a device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Its number.
    pub id: i64,
    /// The device.
    pub device_id: String,
    /// The task as the API took it.
    pub spec: serde_json::Value,
    /// Where it is.
    pub status: TaskStatus,
    /// The session it was sent in.
    pub session_id: Option<String>,
    /// The device's answer, once stored.
    pub result: Option<serde_json::Value>,
    /// When it was queued (ms since the epoch).
    pub created_at: i64,
    /// When it last changed (ms since the epoch).
    pub updated_at: i64,
}

const TASK_COLUMNS: &str =
    "id, device_id, spec, status, session_id, result, created_at, updated_at";

impl Task {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        let result: Option<String> = row.try_get("result")?;
        Ok(Self {
            id: row.try_get("id")?,
            device_id: row.try_get("device_id")?,
            spec: from_json("tasks.spec", row.try_get("spec")?)?,
            status: TaskStatus::parse(row.try_get("status")?),
            session_id: row.try_get("session_id")?,
            result: result
                .as_deref()
                .map(|r| from_json("tasks.result", r))
                .transpose()?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    /// Queues a task; returns its number.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn insert(
        conn: &mut Conn,
        device_id: &str,
        spec: &serde_json::Value,
        now: i64,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO tasks (device_id, spec, status, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, $3) RETURNING id",
        )
        .bind(device_id)
        .bind(to_json(spec))
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        Ok(row.try_get("id")?)
    }

    /// The task `id`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<Self>, StoreError> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// The device's tasks, oldest first (all, or only those not finished).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn for_device(
        conn: &mut Conn,
        device_id: &str,
        unfinished_only: bool,
    ) -> Result<Vec<Self>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE device_id = $1 \
             AND ($2 = 0 OR status IN ('queued', 'sent', 'transferring')) ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(device_id)
            .bind(i64::from(unfinished_only))
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// The device's oldest queued task.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn next_queued(conn: &mut Conn, device_id: &str) -> Result<Option<Self>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE device_id = $1 AND status = 'queued' \
             ORDER BY id LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(device_id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// Moves a task on, with its result when it has one.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn set_status(
        conn: &mut Conn,
        id: i64,
        status: TaskStatus,
        session_id: Option<&str>,
        result: Option<&serde_json::Value>,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE tasks SET status = $2, session_id = $3, result = COALESCE($4, result), \
             updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(session_id)
        .bind(result.map(to_json))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Puts back in the queue the tasks sent in a session that ended without their result
    /// (nothing is lost: they go out again in the device's next session). Returns how many.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn requeue_session(
        conn: &mut Conn,
        session_id: &str,
        now: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tasks SET status = 'queued', session_id = NULL, updated_at = $2 \
             WHERE session_id = $1 AND status = 'sent'",
        )
        .bind(session_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected())
    }

    /// Every Download waiting for its TransferComplete.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn transferring(conn: &mut Conn) -> Result<Vec<Self>, StoreError> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE status = 'transferring' ORDER BY id LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// Deletes a task that has not been sent yet; whether it was.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete_queued(conn: &mut Conn, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM tasks WHERE id = $1 AND status = 'queued'")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// One entry of a device's event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Its number (the log's order).
    pub id: i64,
    /// When (ms since the epoch).
    pub at: i64,
    /// `session`, `inform`, `fault`, `value_change`, `transfer_complete`, `provisioning`,
    /// `task`.
    pub kind: String,
    /// The session it happened in.
    pub session_id: Option<String>,
    /// What happened.
    pub detail: serde_json::Value,
}

impl Event {
    /// Appends to a device's event log.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn add(
        conn: &mut Conn,
        device_id: &str,
        at: i64,
        kind: &str,
        session_id: Option<&str>,
        detail: &serde_json::Value,
    ) -> Result<(), StoreError> {
        Self::add_write(device_id, at, kind, session_id, detail)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// [`Event::add`] as a write to run later ([`super::Store::write_batched`]).
    pub fn add_write(
        device_id: &str,
        at: i64,
        kind: &str,
        session_id: Option<&str>,
        detail: &serde_json::Value,
    ) -> Write {
        sqlx::query(
            "INSERT INTO events (device_id, at, kind, session_id, detail) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(device_id)
        .bind(at)
        .bind(kind)
        .bind(session_id)
        .bind(to_json(detail))
    }

    /// The device's newest `limit` events, oldest first.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn for_device(
        conn: &mut Conn,
        device_id: &str,
        limit: i64,
    ) -> Result<Vec<Self>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, kind, session_id, detail FROM events WHERE device_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(device_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        let mut events = rows
            .iter()
            .map(|row| {
                Ok(Self {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    kind: row.try_get("kind")?,
                    session_id: row.try_get("session_id")?,
                    detail: from_json("events.detail", row.try_get("detail")?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        events.reverse();
        Ok(events)
    }
}

/// A CWMP session between two POSTs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The cookie value.
    pub id: String,
    /// The device.
    pub device_id: String,
    /// What the server keeps between POSTs (JSON).
    pub state: String,
    /// Bumped by every update, so two nodes cannot both move one session on.
    pub version: i64,
    /// When it started (ms since the epoch).
    pub started_at: i64,
    /// When it is given up without a POST (ms since the epoch).
    pub deadline: i64,
}

impl SessionRow {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.try_get("id")?,
            device_id: row.try_get("device_id")?,
            state: row.try_get("state")?,
            version: row.try_get("version")?,
            started_at: row.try_get("started_at")?,
            deadline: row.try_get("deadline")?,
        })
    }

    /// The session `id`, and whether its device has a task queued: what a POST reads
    /// before it takes the turn to write, so a session with no task to send looks for none
    /// inside its transaction.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get_with_queue(
        conn: &mut Conn,
        id: &str,
    ) -> Result<Option<(Self, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, device_id, state, version, started_at, deadline, \
             (SELECT COUNT(*) FROM tasks WHERE tasks.device_id = sessions.device_id \
              AND tasks.status = 'queued') AS queued \
             FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            Some(row) => {
                let queued: i64 = row.try_get("queued")?;
                Ok(Some((Self::from_row(&row)?, queued > 0)))
            }
            None => Ok(None),
        }
    }

    /// Stores a new session.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn insert(&self, conn: &mut Conn) -> Result<(), StoreError> {
        self.insert_write().execute(&mut *conn).await?;
        Ok(())
    }

    /// [`SessionRow::insert`] as a write to run later ([`super::Store::write_batched`]).
    pub fn insert_write(&self) -> Write {
        sqlx::query(
            "INSERT INTO sessions (id, device_id, state, version, started_at, deadline) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&self.id)
        .bind(&self.device_id)
        .bind(&self.state)
        .bind(self.version)
        .bind(self.started_at)
        .bind(self.deadline)
    }

    /// Stores the session's new state if nobody else did since it was read (`version`);
    /// whether it did.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn update(&mut self, conn: &mut Conn) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE sessions SET state = $3, version = version + 1, deadline = $4 \
             WHERE id = $1 AND version = $2",
        )
        .bind(&self.id)
        .bind(self.version)
        .bind(&self.state)
        .bind(self.deadline)
        .execute(&mut *conn)
        .await?;
        self.version += 1;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets a session if nobody moved it on since it was read (`version`); whether it
    /// did (another POST, node or reaper may have ended or moved it meanwhile).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(&self, conn: &mut Conn) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1 AND version = $2")
            .bind(&self.id)
            .bind(self.version)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sessions past their deadline, oldest first, at most `limit`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn expired(conn: &mut Conn, now: i64, limit: i64) -> Result<Vec<Self>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, device_id, state, version, started_at, deadline FROM sessions \
             WHERE deadline <= $1 ORDER BY deadline LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// The device's stored sessions.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn for_device(conn: &mut Conn, device_id: &str) -> Result<Vec<Self>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, device_id, state, version, started_at, deadline FROM sessions \
             WHERE device_id = $1",
        )
        .bind(device_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// How many sessions are open (not past their deadline).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn count_open(conn: &mut Conn, now: i64) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE deadline > $1")
            .bind(now)
            .fetch_one(&mut *conn)
            .await?;
        Ok(row.try_get("n")?)
    }
}
