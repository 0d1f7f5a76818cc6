//! What operators manage through the API: providers, subscribers, packages, model quirks.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Conn, StoreError, from_json, to_json};

/// A service provider offered to STBs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// `ServiceProviderID` (at most 8 characters in the provider list).
    pub id: String,
    /// The provisioning server URL offered for this provider.
    pub url: String,
    /// The NTP server offered for this provider.
    pub ntp: String,
    /// The settings this provider's STBs receive.
    #[serde(default)]
    pub service: ProviderService,
}

/// The service settings a provider hands its STBs (phases 3 and 6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProviderService {
    /// The upgrade server for phases 4-5 (default: this server's upgrade endpoint).
    pub auto_update_server: Option<String>,
    /// The SDS server.
    pub sds: SdsConfig,
    /// The SMS server, when the provider has one.
    pub sms: Option<SmsConfig>,
}

/// The SDS server settings as stored; checked by [`SdsConfig::to_settings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SdsConfig {
    /// `ConnectionProtocol`, as the standard writes it (`DVBSTP`, `HTTP`, `DVBSTP,HTTP`).
    pub connection_protocol: String,
    /// `IPMulticastAddress`.
    pub multicast_address: Option<String>,
    /// `IPMulticastPort`.
    pub multicast_port: Option<u16>,
    /// `IPMulticastSource`.
    pub multicast_source: Option<String>,
    /// `PullURL`.
    pub pull_url: Option<String>,
    /// `SPId`.
    pub sp_id: Option<String>,
    /// `RegionCode`.
    pub region_code: String,
    /// `[PackageIdentifier, PackageSegmentID]` pairs.
    pub packages: Vec<(u16, u16)>,
}

impl Default for SdsConfig {
    fn default() -> Self {
        Self {
            connection_protocol: "DVBSTP".into(),
            multicast_address: Some("239.192.0.1".into()),
            multicast_port: Some(5000),
            multicast_source: None,
            pull_url: None,
            sp_id: None,
            region_code: "0".into(),
            packages: vec![(1, 1)],
        }
    }
}

impl SdsConfig {
    /// The checked settings.
    ///
    /// # Errors
    ///
    /// What the standard refuses, with the field.
    pub fn to_settings(&self) -> Result<tta_datamodel::SdsServer<'static>, String> {
        let protocols =
            tta_datamodel::Protocols::parse(&self.connection_protocol).map_err(|at| {
                format!(
                    "sds.connection_protocol: {:?} is not a protocol list (at byte {at})",
                    self.connection_protocol
                )
            })?;
        let fields = tta_datamodel::SdsFields {
            protocols,
            multicast_address: self.multicast_address.clone().map(Into::into),
            multicast_port: self.multicast_port,
            multicast_source: self.multicast_source.clone().map(Into::into),
            pull_url: self.pull_url.clone().map(Into::into),
            sp_id: self.sp_id.clone().map(Into::into),
            region_code: self.region_code.clone().into(),
            packages: self
                .packages
                .iter()
                .map(|&(id, segment)| tta_datamodel::Package { id, segment })
                .collect(),
        };
        tta_datamodel::SdsServer::new(fields).map_err(|e| format!("sds: {e}"))
    }
}

/// The SMS server settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// `SSLTLS` or `DigiEnv`.
    pub connection_protocol: String,
    /// An IP address or a domain name.
    pub address: String,
    /// The port.
    pub port: u16,
}

impl SmsConfig {
    /// The checked settings.
    ///
    /// # Errors
    ///
    /// What the standard refuses, with the field.
    pub fn to_settings(&self) -> Result<tta_datamodel::SmsServer<'static>, String> {
        let protocol = match self.connection_protocol.as_str() {
            "SSLTLS" => tta_datamodel::SmsProtocol::SslTls,
            "DigiEnv" => tta_datamodel::SmsProtocol::DigiEnv,
            other => {
                return Err(format!(
                    "sms.connection_protocol: {other:?} is neither SSLTLS nor DigiEnv"
                ));
            }
        };
        let port = std::num::NonZeroU16::new(self.port)
            .ok_or_else(|| "sms.port: 0 is not a port".to_string())?;
        if self.address.trim().is_empty() {
            return Err("sms.address: empty".into());
        }
        Ok(tta_datamodel::SmsServer {
            protocol,
            address: self.address.clone().into(),
            port,
        })
    }
}

impl Provider {
    /// Checks what the standard and the provider list require.
    ///
    /// # Errors
    ///
    /// The first problem, with its field.
    pub fn validate(&self) -> Result<(), String> {
        let entry = format!("{},{},{}", self.id, self.url, self.ntp);
        dhcp_tta_options::ProviderList::parse(entry.as_bytes())
            .map_err(|e| format!("id/url/ntp: {e}"))?;
        self.service.sds.to_settings()?;
        if let Some(sms) = &self.service.sms {
            sms.to_settings()?;
        }
        Ok(())
    }

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            ntp: row.try_get("ntp")?,
            service: from_json("providers.service", row.try_get("service")?)?,
        })
    }

    /// Every provider, by ID.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn list(conn: &mut Conn) -> Result<Vec<Self>, StoreError> {
        let rows = sqlx::query("SELECT id, url, ntp, service FROM providers ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// The provider `id`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<Self>, StoreError> {
        let row = sqlx::query("SELECT id, url, ntp, service FROM providers WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// Stores the provider, new or changed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn put(&self, conn: &mut Conn, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO providers (id, url, ntp, service, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET url = $2, ntp = $3, service = $4",
        )
        .bind(&self.id)
        .bind(&self.url)
        .bind(&self.ntp)
        .bind(to_json(&self.service))
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Deletes the provider; whether it existed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(conn: &mut Conn, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM providers WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// A subscriber: a device the operator has a contract for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscriber {
    /// The device ID (`OUI-ProductClass-SerialNumber`).
    pub device_id: String,
    /// The provider the subscription is with.
    #[serde(default)]
    pub provider_id: Option<String>,
    /// A name for people.
    #[serde(default)]
    pub name: String,
    /// The certificate the trust authority knows, when this server checks it
    /// (`provisioning.accept_any_certificate = false`).
    #[serde(default)]
    pub certificate: Option<String>,
}

impl Subscriber {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            device_id: row.try_get("device_id")?,
            provider_id: row.try_get("provider_id")?,
            name: row.try_get("name")?,
            certificate: row.try_get("certificate")?,
        })
    }

    /// Every subscriber, by device ID.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn list(conn: &mut Conn) -> Result<Vec<Self>, StoreError> {
        let rows = sqlx::query(
            "SELECT device_id, provider_id, name, certificate FROM subscribers ORDER BY device_id",
        )
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// The subscriber of device `device_id`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(conn: &mut Conn, device_id: &str) -> Result<Option<Self>, StoreError> {
        let row = sqlx::query(
            "SELECT device_id, provider_id, name, certificate FROM subscribers \
             WHERE device_id = $1",
        )
        .bind(device_id)
        .fetch_optional(&mut *conn)
        .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// Stores the subscriber, new or changed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn put(&self, conn: &mut Conn, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO subscribers (device_id, provider_id, name, certificate, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE SET \
             provider_id = $2, name = $3, certificate = $4",
        )
        .bind(&self.device_id)
        .bind(&self.provider_id)
        .bind(&self.name)
        .bind(&self.certificate)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Deletes the subscriber; whether it existed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(conn: &mut Conn, device_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM subscribers WHERE device_id = $1")
            .bind(device_id)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// A firmware or application package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// Its name: the last segment of its download URL.
    pub name: String,
    /// `DeviceId.Manufacturer` of the devices it is for.
    pub manufacturer: String,
    /// `DeviceInfo.ModelName` of the devices it is for.
    pub model_name: String,
    /// `firmware` or `application` (the upgrade protocol's `pkgId`).
    pub kind: String,
    /// Its version.
    pub version: String,
    /// Its size in bytes.
    pub size: i64,
    /// Lower-case hex SHA-256 of the content.
    pub checksum: String,
}

const PACKAGE_COLUMNS: &str = "name, manufacturer, model_name, kind, version, size, checksum";

impl PackageInfo {
    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            name: row.try_get("name")?,
            manufacturer: row.try_get("manufacturer")?,
            model_name: row.try_get("model_name")?,
            kind: row.try_get("kind")?,
            version: row.try_get("version")?,
            size: row.try_get("size")?,
            checksum: row.try_get("checksum")?,
        })
    }

    /// Every package, by name.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn list(conn: &mut Conn) -> Result<Vec<Self>, StoreError> {
        let sql = format!("SELECT {PACKAGE_COLUMNS} FROM packages ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(Self::from_row).collect()
    }

    /// The package `name`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn get(conn: &mut Conn, name: &str) -> Result<Option<Self>, StoreError> {
        let sql = format!("SELECT {PACKAGE_COLUMNS} FROM packages WHERE name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// The newest package of `kind` for a model (the last stored).
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn current(
        conn: &mut Conn,
        manufacturer: &str,
        model_name: &str,
        kind: &str,
    ) -> Result<Option<Self>, StoreError> {
        let sql = format!(
            "SELECT {PACKAGE_COLUMNS} FROM packages WHERE manufacturer = $1 AND \
             model_name = $2 AND kind = $3 ORDER BY created_at DESC, name DESC LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(manufacturer)
            .bind(model_name)
            .bind(kind)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(Self::from_row).transpose()
    }

    /// The content of package `name`.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn content(conn: &mut Conn, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query("SELECT content FROM packages WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(row.map(|r| r.try_get("content")).transpose()?)
    }

    /// Stores a package and its content, new or replacing one of the same name.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn put(&self, conn: &mut Conn, content: &[u8], now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO packages (name, manufacturer, model_name, kind, version, size, \
             checksum, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (name) DO UPDATE SET manufacturer = $2, model_name = $3, kind = $4, \
             version = $5, size = $6, checksum = $7, content = $8, created_at = $9",
        )
        .bind(&self.name)
        .bind(&self.manufacturer)
        .bind(&self.model_name)
        .bind(&self.kind)
        .bind(&self.version)
        .bind(self.size)
        .bind(&self.checksum)
        .bind(content)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Deletes a package; whether it existed.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(conn: &mut Conn, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM packages WHERE name = $1")
            .bind(name)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

/// How the server bends to one model's CPEs, in the spirit of GenieACS's `cwmp.*` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Quirks {
    /// Start every reply with an XML declaration (some Huawei CPEs need it).
    pub xml_declaration: bool,
    /// Write booleans as `1`/`0` (some CPEs parse only digits).
    pub numeric_booleans: bool,
    /// Write dateTimes without fractional seconds.
    pub no_fractional_seconds: bool,
    /// Write empty elements as `<X></X>`.
    pub expand_empty_elements: bool,
    /// Never send a GetParameterNames on the root path (some gSOAP CPEs refuse it): such a
    /// task is finished without being sent, with a `skipped` note as its result.
    pub skip_root_get_parameter_names: bool,
    /// Treat a Download as done this many seconds after the CPE accepted it, when no
    /// TransferComplete arrives (some CPEs never send one).
    pub download_timeout_secs: Option<u64>,
}

impl Quirks {
    /// The codec's write options these quirks ask for.
    #[must_use]
    pub fn write_options(&self) -> cwmp_codec::WriteOptions {
        cwmp_codec::WriteOptions::default()
            .with_numeric_booleans(self.numeric_booleans)
            .with_no_fractional_seconds(self.no_fractional_seconds)
            .with_expand_empty_elements(self.expand_empty_elements)
    }

    /// The quirks of a model: those stored for `OUI-ProductClass`, else for
    /// `Manufacturer/ModelName`, else none.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn for_model(
        conn: &mut Conn,
        oui_product_class: &str,
        manufacturer_model: &str,
    ) -> Result<Self, StoreError> {
        let row = sqlx::query(
            "SELECT settings FROM quirks WHERE model = $1 OR model = $2 \
             ORDER BY CASE WHEN model = $1 THEN 0 ELSE 1 END LIMIT 1",
        )
        .bind(oui_product_class)
        .bind(manufacturer_model)
        .fetch_optional(&mut *conn)
        .await?;
        match row {
            Some(row) => from_json("quirks.settings", row.try_get("settings")?),
            None => Ok(Self::default()),
        }
    }

    /// Every model with quirks.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn list(conn: &mut Conn) -> Result<Vec<(String, Self)>, StoreError> {
        let rows = sqlx::query("SELECT model, settings FROM quirks ORDER BY model")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("model")?,
                    from_json("quirks.settings", row.try_get("settings")?)?,
                ))
            })
            .collect()
    }

    /// Stores a model's quirks.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn put(&self, conn: &mut Conn, model: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO quirks (model, settings) VALUES ($1, $2) \
             ON CONFLICT (model) DO UPDATE SET settings = $2",
        )
        .bind(model)
        .bind(to_json(self))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Deletes a model's quirks; whether there were.
    ///
    /// # Errors
    ///
    /// The database failed.
    pub async fn delete(conn: &mut Conn, model: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM quirks WHERE model = $1")
            .bind(model)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
