//! ACS methods (TR-069 A.3.3 and A.4.2): requests the CPE sends and the ACS's responses.

use std::borrow::Cow;

use crate::codes::FileType;
use crate::rpc::cwmp_struct;
use crate::rpc::types::{
    ArgStruct, AutonOpResultStruct, DeviceIdStruct, EventStruct, OpResultStruct,
    ParameterValueStruct, TransferCompleteFaultStruct,
};
use crate::value::DateTimeText;

cwmp_struct! {
    /// `Inform`: the first request of every session.
    Inform<'a> {
        /// Who the CPE is.
        device_id: DeviceIdStruct<'a> = one("DeviceId"),
        /// Why the session opened.
        event: Vec<EventStruct<'a>> = array("Event", "EventStruct", "cwmp:EventStruct"),
        /// Most envelopes the CPE accepts in one HTTP response (TR-069 says 1).
        max_envelopes: u32 = one("MaxEnvelopes"),
        /// The CPE's clock (kept as text: some CPEs send non-RFC 3339 times).
        current_time: DateTimeText<'a> = one("CurrentTime"),
        /// Failed attempts before this one.
        retry_count: u32 = one("RetryCount"),
        /// Forced-inform and changed parameters.
        parameter_list: Vec<ParameterValueStruct<'a>> =
            array("ParameterList", "ParameterValueStruct", "cwmp:ParameterValueStruct"),
    }
}

cwmp_struct! {
    /// `InformResponse`.
    InformResponse {
        /// Most envelopes the ACS accepts in one HTTP POST.
        max_envelopes: u32 = one("MaxEnvelopes"),
    }
}

cwmp_struct! {
    /// `TransferComplete`.
    TransferComplete<'a> {
        /// The command key of the Download or Upload.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// Outcome (fault code 0 is success).
        fault_struct: TransferCompleteFaultStruct<'a> = one("FaultStruct"),
        /// Start of the transfer.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the transfer.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
    }
}

cwmp_struct! {
    /// `TransferCompleteResponse`.
    TransferCompleteResponse {}
}

cwmp_struct! {
    /// `AutonomousTransferComplete` (CWMP 1.1).
    AutonomousTransferComplete<'a> {
        /// Where the transfer was announced.
        announce_url: Cow<'a, str> = one("AnnounceURL"),
        /// Where the file came from or went to.
        transfer_url: Cow<'a, str> = one("TransferURL"),
        /// Download (true) or upload.
        is_download: bool = one("IsDownload"),
        /// File type.
        file_type: FileType<'a> = one("FileType"),
        /// Size in bytes.
        file_size: u32 = one("FileSize"),
        /// File name.
        target_file_name: Cow<'a, str> = one("TargetFileName"),
        /// Outcome.
        fault_struct: TransferCompleteFaultStruct<'a> = one("FaultStruct"),
        /// Start of the transfer.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the transfer.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
    }
}

cwmp_struct! {
    /// `AutonomousTransferCompleteResponse`.
    AutonomousTransferCompleteResponse {}
}

cwmp_struct! {
    /// `DUStateChangeComplete` (CWMP 1.2).
    DuStateChangeComplete<'a> {
        /// One result per operation, in order.
        results: Vec<OpResultStruct<'a>> = repeated("Results"),
        /// The ChangeDUState command key.
        command_key: Option<Cow<'a, str>> = opt("CommandKey"),
    }
}

cwmp_struct! {
    /// `DUStateChangeCompleteResponse`.
    DuStateChangeCompleteResponse {}
}

cwmp_struct! {
    /// `AutonomousDUStateChangeComplete` (CWMP 1.2).
    AutonomousDuStateChangeComplete<'a> {
        /// Results.
        results: Vec<AutonOpResultStruct<'a>> = repeated("Results"),
    }
}

cwmp_struct! {
    /// `AutonomousDUStateChangeCompleteResponse`.
    AutonomousDuStateChangeCompleteResponse {}
}

cwmp_struct! {
    /// `RequestDownload`.
    RequestDownload<'a> {
        /// What the CPE wants.
        file_type: FileType<'a> = one("FileType"),
        /// Arguments (at most 16).
        file_type_arg: Vec<ArgStruct<'a>> = array("FileTypeArg", "ArgStruct", "cwmp:ArgStruct"),
    }
}

cwmp_struct! {
    /// `RequestDownloadResponse`.
    RequestDownloadResponse {}
}

cwmp_struct! {
    /// `Kicked`.
    Kicked<'a> {
        /// Command.
        command: Cow<'a, str> = one("Command"),
        /// Referring page.
        referer: Cow<'a, str> = one("Referer"),
        /// Argument.
        arg: Cow<'a, str> = one("Arg"),
        /// Page to go to next.
        next: Cow<'a, str> = one("Next"),
    }
}

cwmp_struct! {
    /// `KickedResponse`.
    KickedResponse<'a> {
        /// Page to redirect the browser to.
        next_url: Cow<'a, str> = one("NextURL"),
    }
}
