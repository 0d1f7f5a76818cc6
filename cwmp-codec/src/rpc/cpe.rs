//! CPE methods (TR-069 A.3.2 and A.4.1): requests the ACS sends and the CPE's responses.
//! `GetRPCMethods` is here too, although either side may call it.

use std::borrow::Cow;

use crate::codes::FileType;
use crate::rpc::cwmp_struct;
use crate::rpc::types::{
    AllQueuedTransferStruct, Operation, OptionStruct, ParameterAttributeStruct,
    ParameterInfoStruct, ParameterValueStruct, QueuedTransferStruct, Secret,
    SetParameterAttributesStruct, TimeWindowStruct,
};
use crate::value::DateTimeText;

cwmp_struct! {
    /// `GetRPCMethods`: either side asks which methods the other supports.
    GetRpcMethods {}
}

cwmp_struct! {
    /// `GetRPCMethodsResponse`.
    GetRpcMethodsResponse<'a> {
        /// Supported method names.
        method_list: Vec<Cow<'a, str>> = array("MethodList", "string", "xsd:string"),
    }
}

cwmp_struct! {
    /// `SetParameterValues`.
    SetParameterValues<'a> {
        /// Parameters to set.
        parameter_list: Vec<ParameterValueStruct<'a>> =
            array("ParameterList", "ParameterValueStruct", "cwmp:ParameterValueStruct"),
        /// Value for `ManagementServer.ParameterKey` once the set succeeds.
        parameter_key: Cow<'a, str> = one("ParameterKey"),
    }
}

cwmp_struct! {
    /// `SetParameterValuesResponse`.
    SetParameterValuesResponse {
        /// 0 applied, 1 applied but not yet effective.
        status: i32 = one("Status"),
    }
}

cwmp_struct! {
    /// `GetParameterValues`.
    GetParameterValues<'a> {
        /// Parameter names or partial paths (ending in `.`).
        parameter_names: Vec<Cow<'a, str>> = array("ParameterNames", "string", "xsd:string"),
    }
}

cwmp_struct! {
    /// `GetParameterValuesResponse`.
    GetParameterValuesResponse<'a> {
        /// The values.
        parameter_list: Vec<ParameterValueStruct<'a>> =
            array("ParameterList", "ParameterValueStruct", "cwmp:ParameterValueStruct"),
    }
}

cwmp_struct! {
    /// `GetParameterNames`.
    GetParameterNames<'a> {
        /// Parameter or partial path; empty for the root.
        parameter_path: Cow<'a, str> = one("ParameterPath"),
        /// Only the next level below the path.
        next_level: bool = one("NextLevel"),
    }
}

cwmp_struct! {
    /// `GetParameterNamesResponse`.
    GetParameterNamesResponse<'a> {
        /// The names found.
        parameter_list: Vec<ParameterInfoStruct<'a>> =
            array("ParameterList", "ParameterInfoStruct", "cwmp:ParameterInfoStruct"),
    }
}

cwmp_struct! {
    /// `SetParameterAttributes`.
    SetParameterAttributes<'a> {
        /// Attributes to set.
        parameter_list: Vec<SetParameterAttributesStruct<'a>> = array(
            "ParameterList",
            "SetParameterAttributesStruct",
            "cwmp:SetParameterAttributesStruct"
        ),
    }
}

cwmp_struct! {
    /// `SetParameterAttributesResponse`.
    SetParameterAttributesResponse {}
}

cwmp_struct! {
    /// `GetParameterAttributes`.
    GetParameterAttributes<'a> {
        /// Parameter names or partial paths.
        parameter_names: Vec<Cow<'a, str>> = array("ParameterNames", "string", "xsd:string"),
    }
}

cwmp_struct! {
    /// `GetParameterAttributesResponse`.
    GetParameterAttributesResponse<'a> {
        /// The attributes.
        parameter_list: Vec<ParameterAttributeStruct<'a>> =
            array("ParameterList", "ParameterAttributeStruct", "cwmp:ParameterAttributeStruct"),
    }
}

cwmp_struct! {
    /// `AddObject`.
    AddObject<'a> {
        /// Path of the multi-instance object, ending in `.`.
        object_name: Cow<'a, str> = one("ObjectName"),
        /// New `ParameterKey`.
        parameter_key: Cow<'a, str> = one("ParameterKey"),
    }
}

cwmp_struct! {
    /// `AddObjectResponse`.
    AddObjectResponse {
        /// Instance number of the new object.
        instance_number: u32 = one("InstanceNumber"),
        /// 0 applied, 1 applied but not yet effective.
        status: i32 = one("Status"),
    }
}

cwmp_struct! {
    /// `DeleteObject`.
    DeleteObject<'a> {
        /// Path of the instance, ending in `.`.
        object_name: Cow<'a, str> = one("ObjectName"),
        /// New `ParameterKey`.
        parameter_key: Cow<'a, str> = one("ParameterKey"),
    }
}

cwmp_struct! {
    /// `DeleteObjectResponse`.
    DeleteObjectResponse {
        /// 0 applied, 1 applied but not yet effective.
        status: i32 = one("Status"),
    }
}

cwmp_struct! {
    /// `Download`.
    Download<'a> {
        /// Correlates the later TransferComplete.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// What the file is.
        file_type: FileType<'a> = one("FileType"),
        /// Where to fetch it.
        url: Cow<'a, str> = one("URL"),
        /// File server username.
        username: Cow<'a, str> = one("Username"),
        /// File server password (redacted in Debug).
        password: Secret<'a> = one("Password"),
        /// Size in bytes, 0 if unknown.
        file_size: u32 = one("FileSize"),
        /// Name to store it under.
        target_file_name: Cow<'a, str> = one("TargetFileName"),
        /// Seconds to wait before starting.
        delay_seconds: u32 = one("DelaySeconds"),
        /// Browser redirect on success.
        success_url: Cow<'a, str> = one("SuccessURL"),
        /// Browser redirect on failure.
        failure_url: Cow<'a, str> = one("FailureURL"),
    }
}

cwmp_struct! {
    /// `DownloadResponse`.
    DownloadResponse<'a> {
        /// 0 done, 1 not yet (a TransferComplete follows).
        status: i32 = one("Status"),
        /// Start of the transfer, or Unknown Time.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the transfer, or Unknown Time.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
    }
}

cwmp_struct! {
    /// `Reboot`.
    Reboot<'a> {
        /// Reported back with `M Reboot`.
        command_key: Cow<'a, str> = one("CommandKey"),
    }
}

cwmp_struct! {
    /// `RebootResponse`.
    RebootResponse {}
}

cwmp_struct! {
    /// `GetQueuedTransfers`.
    GetQueuedTransfers {}
}

cwmp_struct! {
    /// `GetQueuedTransfersResponse`.
    GetQueuedTransfersResponse<'a> {
        /// Transfers the ACS requested.
        transfer_list: Vec<QueuedTransferStruct<'a>> =
            array("TransferList", "QueuedTransferStruct", "cwmp:QueuedTransferStruct"),
    }
}

cwmp_struct! {
    /// `ScheduleInform`.
    ScheduleInform<'a> {
        /// Seconds until the Inform.
        delay_seconds: u32 = one("DelaySeconds"),
        /// Reported back with `M ScheduleInform`.
        command_key: Cow<'a, str> = one("CommandKey"),
    }
}

cwmp_struct! {
    /// `ScheduleInformResponse`.
    ScheduleInformResponse {}
}

cwmp_struct! {
    /// `SetVouchers`.
    SetVouchers<'a> {
        /// Signed vouchers, base64.
        voucher_list: Vec<Cow<'a, str>> = array("VoucherList", "base64", "SOAP-ENC:base64"),
    }
}

cwmp_struct! {
    /// `SetVouchersResponse`.
    SetVouchersResponse {}
}

cwmp_struct! {
    /// `GetOptions`.
    GetOptions<'a> {
        /// Option name, or empty for all.
        option_name: Cow<'a, str> = one("OptionName"),
    }
}

cwmp_struct! {
    /// `GetOptionsResponse`.
    GetOptionsResponse<'a> {
        /// The options.
        option_list: Vec<OptionStruct<'a>> = array("OptionList", "OptionStruct", "cwmp:OptionStruct"),
    }
}

cwmp_struct! {
    /// `Upload`.
    Upload<'a> {
        /// Correlates the later TransferComplete.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// What to upload.
        file_type: FileType<'a> = one("FileType"),
        /// Where to put it.
        url: Cow<'a, str> = one("URL"),
        /// File server username.
        username: Cow<'a, str> = one("Username"),
        /// File server password (redacted in Debug).
        password: Secret<'a> = one("Password"),
        /// Seconds to wait before starting.
        delay_seconds: u32 = one("DelaySeconds"),
    }
}

cwmp_struct! {
    /// `UploadResponse`.
    UploadResponse<'a> {
        /// 0 done, 1 not yet.
        status: i32 = one("Status"),
        /// Start of the transfer.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the transfer.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
    }
}

cwmp_struct! {
    /// `FactoryReset`.
    FactoryReset {}
}

cwmp_struct! {
    /// `FactoryResetResponse`.
    FactoryResetResponse {}
}

cwmp_struct! {
    /// `GetAllQueuedTransfers`.
    GetAllQueuedTransfers {}
}

cwmp_struct! {
    /// `GetAllQueuedTransfersResponse`.
    GetAllQueuedTransfersResponse<'a> {
        /// All queued transfers, autonomous ones included.
        transfer_list: Vec<AllQueuedTransferStruct<'a>> =
            array("TransferList", "AllQueuedTransferStruct", "cwmp:AllQueuedTransferStruct"),
    }
}

cwmp_struct! {
    /// `ScheduleDownload` (CWMP 1.2).
    ScheduleDownload<'a> {
        /// Correlates the later TransferComplete.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// What the file is.
        file_type: FileType<'a> = one("FileType"),
        /// Where to fetch it.
        url: Cow<'a, str> = one("URL"),
        /// File server username.
        username: Cow<'a, str> = one("Username"),
        /// File server password (redacted in Debug).
        password: Secret<'a> = one("Password"),
        /// Size in bytes.
        file_size: u32 = one("FileSize"),
        /// Name to store it under.
        target_file_name: Cow<'a, str> = one("TargetFileName"),
        /// One or two windows.
        time_window_list: Vec<TimeWindowStruct<'a>> =
            array("TimeWindowList", "TimeWindowStruct", "cwmp:TimeWindowStruct"),
    }
}

cwmp_struct! {
    /// `ScheduleDownloadResponse`.
    ScheduleDownloadResponse {}
}

cwmp_struct! {
    /// `CancelTransfer` (CWMP 1.2).
    CancelTransfer<'a> {
        /// The transfer to cancel.
        command_key: Cow<'a, str> = one("CommandKey"),
    }
}

cwmp_struct! {
    /// `CancelTransferResponse`.
    CancelTransferResponse {}
}

cwmp_struct! {
    /// `ChangeDUState` (CWMP 1.2).
    ChangeDuState<'a> {
        /// Operations, each typed by `xsi:type`.
        operations: Vec<Operation<'a>> = repeated("Operations"),
        /// Correlates the later DUStateChangeComplete.
        command_key: Option<Cow<'a, str>> = opt("CommandKey"),
    }
}

cwmp_struct! {
    /// `ChangeDUStateResponse`.
    ChangeDuStateResponse {}
}
