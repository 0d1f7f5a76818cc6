//! `tta-acs` under the failures a deployment meets: the process killed (SIGKILL) or stopped
//! (SIGTERM) mid-session and started again on the same database, two nodes sharing one
//! PostgreSQL database, and the resource limits (sessions, body size, idle connections, many
//! devices at once, the session timeout). The process tests run the real binary.

#[path = "acs/support.rs"]
mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cwmp_codec::{
    Body, Envelope, GetParameterValuesResponse, Message, ParameterValueStruct, Value,
};
use reqwest::StatusCode;
use serde_json::{Value as Json, json};
use support::{AcsProcess, Api, Cpe, Db, Reply, TempDir};

/// The configuration file of the process tests.
const CONFIG: &str = "[provisioning]\nopen_subscription = true\n";

/// How many times the CPE executed each request of the server, by request ID.
#[derive(Debug, Clone, Default)]
struct Executions(Arc<Mutex<HashMap<String, u32>>>);

impl Executions {
    fn total(&self) -> usize {
        let map = self.0.lock().unwrap();
        map.values().map(|&n| n as usize).sum()
    }

    fn of(&self, task: i64) -> u32 {
        let map = self.0.lock().unwrap();
        map.get(&format!("task-{task}")).copied().unwrap_or(0)
    }

    /// The CPE's answer to `request` (a GetParameterValues), counted.
    fn answer(&self, request: &Envelope<'_>) -> Message<'static> {
        let id = request.header.id.as_deref().unwrap_or_default().to_owned();
        *self.0.lock().unwrap().entry(id).or_default() += 1;
        let Body::GetParameterValues(g) = &request.body else {
            panic!("unexpected request {}", request.body.method_name());
        };
        let body = Body::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: g
                .parameter_names
                .iter()
                .map(|n| ParameterValueStruct::new(n.to_string(), Value::string("v")))
                .collect(),
        });
        let mut response = Envelope::new(request.version, "", body);
        response.header.id = request
            .header
            .id
            .as_deref()
            .map(|id| std::borrow::Cow::Owned(id.to_owned()));
        Message {
            envelopes: vec![response],
        }
    }
}

fn client() -> reqwest::Client {
    tta_examples::install_crypto_provider();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `None` for SQLite (the data directory's), the URL of a fresh database for PostgreSQL;
/// `Err` when PostgreSQL is not available here (the test is skipped).
async fn database(db: Db) -> Result<Option<String>, ()> {
    match db {
        Db::Sqlite => Ok(None),
        Db::Postgres => match support::postgres_url() {
            Some(base) => Ok(Some(support::fresh_postgres_database(&base).await)),
            None => Err(()),
        },
    }
}

/// The event of the Informs whose sessions the tests count (see [`inform`]).
const ACCOUNTED_EVENT: &str = "6 CONNECTION REQUEST";

/// Informs with `seq` as a parameter (so each Inform is told apart) and a connection
/// request URL; asserts the InformResponse.
///
/// The event is `6 CONNECTION REQUEST` (the server has tasks and asked for the session), so
/// every session's end is in the device's log whatever it does: that log is how these tests
/// account for every Inform. A routine `2 PERIODIC` session that sends nothing is not logged.
async fn inform(cpe: &mut Cpe, seq: u32, connection_request_url: &str) {
    cpe.cookie = None;
    let envelope = cpe.inform(
        &[ACCOUNTED_EVENT],
        &[
            ("Device.DeviceInfo.ModelName", "STB-1"),
            ("Device.X_TTA_Test.Seq", &seq.to_string()),
            (
                "Device.ManagementServer.ConnectionRequestURL",
                connection_request_url,
            ),
        ],
    );
    let reply = cpe
        .post(&Message {
            envelopes: vec![envelope],
        })
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", text(&reply));
    assert!(
        matches!(reply.message().envelopes[0].body, Body::InformResponse(_)),
        "{}",
        text(&reply)
    );
}

fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

async fn empty(cpe: &mut Cpe) -> Reply {
    cpe.post(&Message::default()).await
}

/// The server's request in `reply`, which must carry task `task`.
fn request_for(reply: &Reply, task: i64) -> Envelope<'static> {
    assert_eq!(reply.status, StatusCode::OK, "{}", text(reply));
    let envelope = reply.message().envelopes.into_iter().next().unwrap();
    assert_eq!(
        envelope.header.id.as_deref(),
        Some(format!("task-{task}").as_str()),
        "{envelope:?}"
    );
    envelope
}

/// Answers every request from `reply` on until the server ends the session (204).
async fn to_the_end(cpe: &mut Cpe, mut reply: Reply, executions: &Executions) {
    for _ in 0..100 {
        match reply.status {
            StatusCode::NO_CONTENT => return,
            StatusCode::OK => {}
            other => panic!("unexpected {other}: {}", text(&reply)),
        }
        let request = reply.message().envelopes.into_iter().next().unwrap();
        reply = cpe.post(&executions.answer(&request)).await;
    }
    panic!("the session did not end");
}

/// A whole session: Inform, then every request answered.
async fn whole_session(cpe: &mut Cpe, seq: u32, cr_url: &str, executions: &Executions) {
    inform(cpe, seq, cr_url).await;
    let reply = empty(cpe).await;
    to_the_end(cpe, reply, executions).await;
}

async fn status_of(api: &Api, task: i64) -> String {
    api.task(task).await["status"].as_str().unwrap().to_owned()
}

/// The device's session events (one per Inform: each session ends once, completed or not).
async fn session_ends(api: &Api, device: &str) -> Vec<String> {
    api.device(device).await["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "session")
        .map(|e| e["detail"]["end"].as_str().unwrap_or("?").to_owned())
        .collect()
}

async fn queue_gpvs(api: &Api, device: &str, n: usize) -> Vec<i64> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let task = json!({"name": "getParameterValues", "parameterNames": [format!("Device.X_TTA_Test.P{i}")]});
        tasks.push(api.queue(device, task).await);
    }
    tasks
}

/// Every task done, with its result, executed once.
async fn all_done_once(api: &Api, tasks: &[i64], executions: &Executions) {
    for (i, &task) in tasks.iter().enumerate() {
        let t = api.task(task).await;
        assert_eq!(t["status"], "done", "{t}");
        assert_eq!(
            t["result"]["parameterValues"][0][0],
            format!("Device.X_TTA_Test.P{i}"),
            "{t}"
        );
        assert_eq!(executions.of(task), 1, "task {task} ran more than once");
    }
}

/// Kills the server (SIGKILL) at each point of a session where a crash can land, starts it
/// again on the same database, and checks nothing is lost and nothing runs twice.
async fn killed_mid_session(db: Db) {
    let Ok(database) = database(db).await else {
        return;
    };
    let dir = TempDir::new("kill9");
    let cr = "http://127.0.0.1:9/cr";
    let mut acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    let mut cpe = Cpe::new(client(), acs.cwmp_url(), "K9");
    let device = cpe.device_id();
    let executions = Executions::default();
    whole_session(&mut cpe, 1, cr, &executions).await;
    let tasks = queue_gpvs(&acs.api, &device, 5).await;

    // The first task sent, killed before the CPE answers: the task stays in the store.
    inform(&mut cpe, 2, cr).await;
    request_for(&empty(&mut cpe).await, tasks[0]);
    acs.kill9();
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    cpe.url = acs.cwmp_url();
    assert_eq!(status_of(&acs.api, tasks[0]).await, "sent");

    // Killed after the answer was stored, before the CPE's next POST: the Inform ends the
    // old session and the first task goes out again.
    inform(&mut cpe, 3, cr).await;
    let request = request_for(&empty(&mut cpe).await, tasks[0]);
    request_for(&cpe.post(&executions.answer(&request)).await, tasks[1]);
    acs.kill9();
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    cpe.url = acs.cwmp_url();
    assert_eq!(status_of(&acs.api, tasks[0]).await, "done");
    assert_eq!(status_of(&acs.api, tasks[1]).await, "sent");

    // Killed mid-way through several tasks.
    inform(&mut cpe, 4, cr).await;
    let mut reply = empty(&mut cpe).await;
    for &task in &tasks[1..3] {
        let request = request_for(&reply, task);
        reply = cpe.post(&executions.answer(&request)).await;
    }
    request_for(&reply, tasks[3]);
    acs.kill9();
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    cpe.url = acs.cwmp_url();
    for &task in &tasks[..3] {
        assert_eq!(status_of(&acs.api, task).await, "done");
    }

    // Killed between two POSTs: the session is in the store, so the CPE's next POST (with
    // its cookie) continues it on the new process.
    inform(&mut cpe, 5, cr).await;
    let request = request_for(&empty(&mut cpe).await, tasks[3]);
    acs.kill9();
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    cpe.url = acs.cwmp_url();
    let reply = cpe.post(&executions.answer(&request)).await;
    request_for(&reply, tasks[4]);
    to_the_end(&mut cpe, reply, &executions).await;

    all_done_once(&acs.api, &tasks, &executions).await;
    // Every Inform is accounted for: one session end each, the interrupted ones ended by
    // the next Inform.
    let ends = session_ends(&acs.api, &device).await;
    assert_eq!(
        ends,
        [
            "completed",
            "abandoned",
            "abandoned",
            "abandoned",
            "completed"
        ],
        "{ends:?}"
    );
    let d = acs.api.device(&device).await;
    assert_eq!(d["parameters"]["Device.X_TTA_Test.Seq"][0], "5", "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_mid_session_loses_nothing_sqlite() {
    killed_mid_session(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_mid_session_loses_nothing_postgres() {
    killed_mid_session(Db::Postgres).await;
}

/// Informs sent and Informs answered, of one device.
#[derive(Debug, Default, Clone, Copy)]
struct Informs {
    sent: usize,
    answered: usize,
}

/// A whole session that stops at the first transport failure (the server killed): any
/// answer but 200 and 204 fails the test.
async fn session_until_killed(
    mut cpe: Cpe,
    seq: u32,
    cr: &str,
    executions: &Executions,
    mut informs: Informs,
) -> (Cpe, Informs) {
    cpe.cookie = None;
    let inform_envelope = cpe.inform(
        &[ACCOUNTED_EVENT],
        &[
            ("Device.X_TTA_Test.Seq", &seq.to_string()),
            ("Device.ManagementServer.ConnectionRequestURL", cr),
        ],
    );
    informs.sent += 1;
    let Ok(reply) = cpe
        .try_post(&Message {
            envelopes: vec![inform_envelope],
        })
        .await
    else {
        return (cpe, informs);
    };
    assert_eq!(reply.status, StatusCode::OK, "{}", text(&reply));
    informs.answered += 1;
    let mut next = Message::default();
    for _ in 0..100 {
        let Ok(reply) = cpe.try_post(&next).await else {
            return (cpe, informs);
        };
        match reply.status {
            StatusCode::NO_CONTENT => return (cpe, informs),
            StatusCode::OK => {}
            other => panic!("unexpected {other}: {}", text(&reply)),
        }
        let request = reply.message().envelopes.into_iter().next().unwrap();
        next = executions.answer(&request);
    }
    panic!("the session did not end");
}

/// SIGKILL while many POSTs are in flight: after the restart no task is lost, a task stored
/// as done never runs again, every Inform answered is accounted for, and the rest of the
/// work completes.
async fn killed_under_load(db: Db) {
    let Ok(database) = database(db).await else {
        return;
    };
    const DEVICES: usize = 20;
    const TASKS: usize = 3;
    let dir = TempDir::new("kill9-load");
    let cr = "http://127.0.0.1:9/cr";
    let mut acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    let executions = Executions::default();
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        let mut cpe = Cpe::new(client(), acs.cwmp_url(), &format!("LOAD{i:03}"));
        whole_session(&mut cpe, 1, cr, &executions).await;
        let tasks = queue_gpvs(&acs.api, &cpe.device_id(), TASKS).await;
        let informs = Informs {
            sent: 1,
            answered: 1,
        };
        devices.push((cpe, tasks, informs));
    }
    let mut set = tokio::task::JoinSet::new();
    for (i, (cpe, tasks, informs)) in devices.drain(..).enumerate() {
        let executions = executions.clone();
        set.spawn(async move {
            let (cpe, informs) = session_until_killed(cpe, 2, cr, &executions, informs).await;
            (i, cpe, tasks, informs)
        });
    }
    // Killed once about half the tasks have been answered (some answers still in flight).
    let deadline = Instant::now() + Duration::from_secs(20);
    while executions.total() < DEVICES * TASKS / 2 {
        assert!(Instant::now() < deadline, "the sessions made no progress");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    acs.kill9();
    let mut by_index = Vec::new();
    while let Some(done) = set.join_next().await {
        by_index.push(done.unwrap());
    }
    by_index.sort_by_key(|(i, ..)| *i);
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    // Nothing lost: every task is stored, and one stored as done has its result.
    let mut done_before = HashMap::new();
    for (_, _, tasks, _) in &by_index {
        for &task in tasks {
            let t = acs.api.task(task).await;
            let status = t["status"].as_str().unwrap();
            assert!(matches!(status, "done" | "sent" | "queued"), "{t}");
            if status == "done" {
                assert!(t["result"]["parameterValues"].is_array(), "{t}");
                done_before.insert(task, executions.of(task));
            }
        }
    }
    eprintln!(
        "killed with {} of {} tasks stored as done",
        done_before.len(),
        DEVICES * TASKS
    );
    for (_, cpe, _, informs) in &mut by_index {
        cpe.url = acs.cwmp_url();
        informs.sent += 1;
        informs.answered += 1;
    }
    let mut set = tokio::task::JoinSet::new();
    for (_, mut cpe, tasks, informs) in by_index {
        let executions = executions.clone();
        set.spawn(async move {
            whole_session(&mut cpe, 3, cr, &executions).await;
            (cpe.device_id(), tasks, informs)
        });
    }
    let mut finished = Vec::new();
    let all = async {
        while let Some(done) = set.join_next().await {
            finished.push(done.unwrap());
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("the sessions after the restart did not complete");
    for (device, tasks, informs) in finished {
        for &task in &tasks {
            let t = acs.api.task(task).await;
            assert_eq!(t["status"], "done", "{t}");
            match done_before.get(&task) {
                Some(&n) => assert_eq!(executions.of(task), n, "task {task} ran again"),
                None => assert!(executions.of(task) >= 1, "{t}"),
            }
        }
        let ends = session_ends(&acs.api, &device).await.len();
        assert!(
            (informs.answered..=informs.sent).contains(&ends),
            "{device}: {ends} sessions ended, {informs:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_under_load_loses_nothing_sqlite() {
    killed_under_load(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_under_load_loses_nothing_postgres() {
    killed_under_load(Db::Postgres).await;
}

/// SIGTERM with a session open: the process exits 0 promptly, and the session's tasks run in
/// the device's next session on the restarted server.
async fn terminated_mid_session(db: Db) {
    let Ok(database) = database(db).await else {
        return;
    };
    let dir = TempDir::new("term");
    let cr = "http://127.0.0.1:9/cr";
    let mut acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    let mut cpe = Cpe::new(client(), acs.cwmp_url(), "TERM");
    let device = cpe.device_id();
    let executions = Executions::default();
    whole_session(&mut cpe, 1, cr, &executions).await;
    let tasks = queue_gpvs(&acs.api, &device, 2).await;
    inform(&mut cpe, 2, cr).await;
    request_for(&empty(&mut cpe).await, tasks[0]);
    // The CPE's keep-alive connection is still open: the drain must not wait for it.
    let started = Instant::now();
    let status = acs.terminate(Duration::from_secs(10)).await;
    assert!(status.success(), "{status:?}\n{}", acs.log_text());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    acs = AcsProcess::spawn(&dir.0, database.as_deref(), CONFIG).await;
    cpe.url = acs.cwmp_url();
    assert_eq!(status_of(&acs.api, tasks[0]).await, "sent");
    whole_session(&mut cpe, 3, cr, &executions).await;
    all_done_once(&acs.api, &tasks, &executions).await;
    let ends = session_ends(&acs.api, &device).await;
    assert_eq!(ends, ["completed", "abandoned", "completed"], "{ends:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_session_exits_cleanly_sqlite() {
    terminated_mid_session(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_session_exits_cleanly_postgres() {
    terminated_mid_session(Db::Postgres).await;
}

/// A fake CPE's connection request listener: answers every GET with 204 and reports it.
async fn connection_request_listener() -> (String, tokio::sync::mpsc::Receiver<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cr", listener.local_addr().unwrap());
    let (poked, pokes) = tokio::sync::mpsc::channel(8);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let poked = poked.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream
                    .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
                    .await;
                let _ = poked.send(()).await;
            });
        }
    });
    (url, pokes)
}

/// A `?connection_request` API call waiting for a device that never comes does not hold the
/// server's shutdown: it is answered 202 (the task still queued) as the server stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_connection_request_does_not_hold_the_shutdown() {
    let acs = support::start(Db::Sqlite, |_| {}).await.unwrap();
    let (cr_url, mut pokes) = connection_request_listener().await;
    let executions = Executions::default();
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "STOPWAIT");
    whole_session(&mut cpe, 1, &cr_url, &executions).await;
    let url = acs.api(&format!(
        "/devices/{}/tasks?connection_request&timeout=60",
        support::percent(&cpe.device_id())
    ));
    let call = {
        let http = acs.http.clone();
        tokio::spawn(async move {
            let r = http
                .post(url)
                .json(&json!({"name": "getParameterValues", "parameterNames": ["Device.X_TTA_Test.P0"]}))
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Json>().await.unwrap())
        })
    };
    // The device is asked, and never opens the session.
    tokio::time::timeout(Duration::from_secs(10), pokes.recv())
        .await
        .expect("no connection request")
        .unwrap();
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(10), acs.server.shutdown())
        .await
        .expect("the shutdown waited for the API call");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let (status, body) = call.await.unwrap();
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["status"], "queued", "{body}");
}

/// Two processes on one PostgreSQL database: a device's POSTs alternate between them, a task
/// queued on one runs when the device talks to the other, and a connection request waiting
/// on one sees the result the other stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_one_postgres() {
    let Ok(Some(database)) = database(Db::Postgres).await else {
        return;
    };
    let (dir_a, dir_b) = (TempDir::new("node-a"), TempDir::new("node-b"));
    // Started together: the migrations and the shared secret race on a fresh database.
    let (a, b) = tokio::join!(
        AcsProcess::spawn(&dir_a.0, Some(&database), CONFIG),
        AcsProcess::spawn(&dir_b.0, Some(&database), CONFIG),
    );
    let (cr_url, mut pokes) = connection_request_listener().await;
    let executions = Executions::default();
    let mut cpe = Cpe::new(client(), a.cwmp_url(), "TWO");
    let device = cpe.device_id();
    whole_session(&mut cpe, 1, &cr_url, &executions).await;
    let tasks = queue_gpvs(&a.api, &device, 3).await;

    // Every POST on the other node than the one before.
    let urls = [a.cwmp_url(), b.cwmp_url()];
    cpe.url = urls[0].clone();
    inform(&mut cpe, 2, &cr_url).await;
    let mut posts = 1;
    cpe.url = urls[posts % 2].clone();
    let mut reply = empty(&mut cpe).await;
    for _ in 0..20 {
        posts += 1;
        cpe.url = urls[posts % 2].clone();
        match reply.status {
            StatusCode::NO_CONTENT => break,
            StatusCode::OK => {}
            other => panic!("unexpected {other}: {}", text(&reply)),
        }
        let request = reply.message().envelopes.into_iter().next().unwrap();
        reply = cpe.post(&executions.answer(&request)).await;
    }
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    all_done_once(&b.api, &tasks, &executions).await;

    // Queued on A, run in a session on B only.
    let more = queue_gpvs(&a.api, &device, 1).await;
    cpe.url = b.cwmp_url();
    whole_session(&mut cpe, 3, &cr_url, &executions).await;
    assert_eq!(status_of(&a.api, more[0]).await, "done");
    assert_eq!(executions.of(more[0]), 1);

    // A connection request from A: the device answers it with a session on B, and the call
    // waiting on A returns the result B stored.
    let session = {
        let mut cpe = Cpe::new(client(), b.cwmp_url(), "TWO");
        let executions = executions.clone();
        let cr_url = cr_url.clone();
        tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(10), pokes.recv())
                .await
                .expect("no connection request")
                .unwrap();
            whole_session(&mut cpe, 4, &cr_url, &executions).await;
        })
    };
    let path = format!(
        "/devices/{}/tasks?connection_request&timeout=15",
        support::percent(&device)
    );
    let r = a
        .api
        .http
        .post(a.api.url(&path))
        .json(&json!({"name": "getParameterValues", "parameterNames": ["Device.X_TTA_Test.CR"]}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Json = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "done", "{body}");
    assert_eq!(
        body["result"]["parameterValues"][0][0], "Device.X_TTA_Test.CR",
        "{body}"
    );
    tokio::time::timeout(Duration::from_secs(10), session)
        .await
        .unwrap()
        .unwrap();
    drop((a, b));
}

/// `limits.max_sessions`: the Inform past it gets 503 with `Retry-After`, and a session that
/// ends frees its slot.
async fn session_limit(db: Db) {
    let Some(acs) = support::start(db, |c| c.limits.max_sessions = 2).await else {
        return;
    };
    let cr = "http://127.0.0.1:9/cr";
    let mut one = Cpe::new(acs.http.clone(), acs.cwmp_url(), "LIMIT1");
    let mut two = Cpe::new(acs.http.clone(), acs.cwmp_url(), "LIMIT2");
    let mut three = Cpe::new(acs.http.clone(), acs.cwmp_url(), "LIMIT3");
    inform(&mut one, 1, cr).await;
    inform(&mut two, 1, cr).await;
    let reply = three
        .post(&Message {
            envelopes: vec![three.inform(&["2 PERIODIC"], &[])],
        })
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        text(&reply)
    );
    assert_eq!(reply.headers["retry-after"], "30");
    assert_eq!(empty(&mut one).await.status, StatusCode::NO_CONTENT);
    inform(&mut three, 1, cr).await;
    assert_eq!(empty(&mut three).await.status, StatusCode::NO_CONTENT);
    assert_eq!(empty(&mut two).await.status, StatusCode::NO_CONTENT);
    acs.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_sessions_answers_503_sqlite() {
    session_limit(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_sessions_answers_503_postgres() {
    session_limit(Db::Postgres).await;
}

/// A body over `limits.max_body_bytes` gets 413, before any session work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_the_limit_is_413() {
    let acs = support::start(Db::Sqlite, |c| c.limits.max_body_bytes = 4096)
        .await
        .unwrap();
    let r = acs
        .http
        .post(acs.cwmp_url())
        .header("content-type", "text/xml")
        .body(vec![b' '; 5000])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    acs.server.shutdown().await;
}

/// Reads until EOF; how long it took (panics past `within`).
async fn eof_within(stream: &mut tokio::net::TcpStream, within: Duration) -> Duration {
    use tokio::io::AsyncReadExt;
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((started + within).into(), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => {}
            Err(_) => panic!("the connection is still open after {within:?}"),
        }
    }
}

/// `limits.max_connections`: past it a new connection is answered `503` with `Retry-After`
/// and closed; the connections already open are served, and a place freed is taken again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_are_told_to_retry() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let acs = support::start(Db::Sqlite, |c| c.limits.max_connections = 2)
        .await
        .unwrap();
    let addr = acs.server.cwmp_addr().unwrap();
    async fn get(stream: &mut tokio::net::TcpStream) -> String {
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: acs\r\n\r\n")
            .await
            .unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = tokio::time::timeout(Duration::from_secs(3), stream.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert!(n > 0, "closed before the answer");
            head.extend_from_slice(&buf[..n]);
        }
        String::from_utf8_lossy(&head).to_lowercase()
    }
    let mut one = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut two = tokio::net::TcpStream::connect(addr).await.unwrap();
    assert!(get(&mut one).await.starts_with("http/1.1 200"));
    assert!(get(&mut two).await.starts_with("http/1.1 200"));
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = get(&mut third).await;
    assert!(head.starts_with("http/1.1 503"), "{head}");
    assert!(head.contains("retry-after: 30"), "{head}");
    eof_within(&mut third, Duration::from_secs(3)).await;
    // The two open connections are still served; closing one frees its place.
    assert!(get(&mut one).await.starts_with("http/1.1 200"));
    drop(two);
    let mut fourth = None;
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        if get(&mut stream).await.starts_with("http/1.1 200") {
            fourth = Some(stream);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(fourth.is_some(), "the freed place was not taken again");
    acs.server.shutdown().await;
}

/// `limits.idle_timeout_secs`: a connection that sends nothing, and a keep-alive connection
/// idle after a request, are closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let acs = support::start(Db::Sqlite, |c| c.limits.idle_timeout_secs = 1)
        .await
        .unwrap();
    let addr = acs.server.cwmp_addr().unwrap();
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    eof_within(&mut silent, Duration::from_secs(3)).await;

    let mut kept = tokio::net::TcpStream::connect(addr).await.unwrap();
    kept.write_all(b"GET / HTTP/1.1\r\nHost: acs\r\n\r\n")
        .await
        .unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&head).contains("CWMP takes POST") {
        let n = tokio::time::timeout(Duration::from_secs(3), kept.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0, "closed before the answer");
        head.extend_from_slice(&buf[..n]);
    }
    eof_within(&mut kept, Duration::from_secs(3)).await;
    acs.server.shutdown().await;
}

/// Many devices at once, each with a task, through a cap of 4 POSTs worked on at once
/// (`limits.max_posts_in_flight`): every session completes, the POSTs past the cap waiting
/// their turn, and none gets a 5xx.
async fn many_devices(db: Db) {
    let Some(acs) = support::start(db, |c| c.limits.max_posts_in_flight = 4).await else {
        return;
    };
    let acs = Arc::new(acs);
    const DEVICES: usize = 50;
    let executions = Executions::default();
    let cr = "http://127.0.0.1:9/cr";
    // Each device known, with a task waiting.
    let mut tasks = Vec::new();
    for i in 0..DEVICES {
        let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), &format!("MANY{i:03}"));
        whole_session(&mut cpe, 1, cr, &executions).await;
        let task =
            json!({"name": "getParameterValues", "parameterNames": ["Device.X_TTA_Test.P0"]});
        let n = acs.queue(&cpe.device_id(), task).await;
        tasks.push((cpe, n));
    }
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for (known, _) in &tasks {
        let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), &known.serial);
        let executions = executions.clone();
        set.spawn(async move { whole_session(&mut cpe, 2, cr, &executions).await });
    }
    let all = async {
        while let Some(done) = set.join_next().await {
            done.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), all)
        .await
        .expect("50 sessions did not complete in 60 s");
    eprintln!("{DEVICES} sessions at once: {:?}", started.elapsed());
    for (_, n) in &tasks {
        let t = acs.task(*n).await;
        assert_eq!(t["status"], "done", "{t}");
        assert_eq!(executions.of(*n), 1);
    }
    Arc::into_inner(acs).unwrap().server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_at_once_sqlite() {
    many_devices(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_devices_at_once_postgres() {
    many_devices(Db::Postgres).await;
}

/// A CPE that stops mid-session: past the session timeout the reaper ends the session and
/// its sent task goes back to the queue, to run in the next session.
async fn session_timeout(db: Db) {
    let Some(acs) = support::start(db, |c| c.limits.session_timeout_secs = 1).await else {
        return;
    };
    let cr = "http://127.0.0.1:9/cr";
    let executions = Executions::default();
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "TIMEOUT");
    whole_session(&mut cpe, 1, cr, &executions).await;
    let device = cpe.device_id();
    let task = acs
        .queue(
            &device,
            json!({"name": "getParameterValues", "parameterNames": ["Device.X_TTA_Test.P0"]}),
        )
        .await;
    inform(&mut cpe, 2, cr).await;
    let request = request_for(&empty(&mut cpe).await, task);
    assert_eq!(acs.task(task).await["status"], "sent");
    let deadline = Instant::now() + Duration::from_secs(5);
    while acs.task(task).await["status"] != "queued" {
        assert!(Instant::now() < deadline, "the session was not reaped");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The late answer finds no session.
    let reply = cpe.post(&executions.answer(&request)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", text(&reply));
    let device_json = acs.device(&device).await;
    assert!(
        device_json["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "session" && e["detail"]["end"] == "timed_out"),
        "{device_json}"
    );
    whole_session(&mut cpe, 3, cr, &executions).await;
    let t = acs.task(task).await;
    assert_eq!(t["status"], "done", "{t}");
    acs.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_session_times_out_sqlite() {
    session_timeout(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abandoned_session_times_out_postgres() {
    session_timeout(Db::Postgres).await;
}

/// Two nodes' reapers sweep the same expired sessions: each abandoned session ends once,
/// its task requeued once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_reapers_end_a_session_once() {
    let Ok(Some(database)) = database(Db::Postgres).await else {
        return;
    };
    const DEVICES: usize = 20;
    let config = format!("{CONFIG}[limits]\nsession_timeout_secs = 1\n");
    let (dir_a, dir_b) = (TempDir::new("reap-a"), TempDir::new("reap-b"));
    let a = AcsProcess::spawn(&dir_a.0, Some(&database), &config).await;
    let b = AcsProcess::spawn(&dir_b.0, Some(&database), &config).await;
    let cr = "http://127.0.0.1:9/cr";
    let executions = Executions::default();
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        let mut cpe = Cpe::new(client(), a.cwmp_url(), &format!("REAP{i:03}"));
        whole_session(&mut cpe, 1, cr, &executions).await;
        let task = queue_gpvs(&a.api, &cpe.device_id(), 1).await[0];
        inform(&mut cpe, 2, cr).await;
        request_for(&empty(&mut cpe).await, task);
        devices.push((cpe.device_id(), task));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    for (_, task) in &devices {
        while status_of(&b.api, *task).await != "queued" {
            assert!(Instant::now() < deadline, "the sessions were not reaped");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    // Each reaper sweeps every second: let both have had their turns.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for (device, _) in &devices {
        let ends = session_ends(&b.api, device).await;
        assert_eq!(ends, ["completed", "timed_out"], "{device}");
    }
}
