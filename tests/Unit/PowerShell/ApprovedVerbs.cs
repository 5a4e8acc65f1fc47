namespace Emx2Hpc.Tests.Unit.PowerShell;

/// <summary>PowerShell 7.4's approved verbs (Get-Verb), by group. Hard-coded because pwsh cannot run here; a
/// cmdlet with another verb makes Import-Module warn and is harder to discover.</summary>
public static class ApprovedVerbs
{
    public static readonly IReadOnlyDictionary<string, string[]> ByGroup = new Dictionary<string, string[]>
    {
        ["Common"] =
        [
            "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move",
            "New", "Open", "Optimize", "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select",
            "Set", "Show", "Skip", "Split", "Step", "Switch", "Undo", "Unlock", "Watch",
        ],
        ["Communications"] = ["Connect", "Disconnect", "Read", "Receive", "Send", "Write"],
        ["Data"] =
        [
            "Backup", "Checkpoint", "Compare", "Compress", "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit",
            "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge", "Mount", "Out", "Publish", "Restore",
            "Save", "Sync", "Unpublish", "Update",
        ],
        ["Diagnostic"] = ["Debug", "Measure", "Ping", "Repair", "Resolve", "Test", "Trace"],
        ["Lifecycle"] =
        [
            "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install",
            "Invoke", "Register", "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall",
            "Unregister", "Wait",
        ],
        ["Other"] = ["Use"],
        ["Security"] = ["Block", "Grant", "Protect", "Revoke", "Unblock", "Unprotect"],
    };

    public static readonly IReadOnlySet<string> All = ByGroup.Values.SelectMany(v => v).ToHashSet(StringComparer.Ordinal);

    /// <summary>Parameters every cmdlet gets from PowerShell (CmdletBinding common parameters).</summary>
    public static readonly IReadOnlySet<string> CommonParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "vb", "Debug", "db", "ErrorAction", "ea", "WarningAction", "wa", "InformationAction", "infa",
        "ProgressAction", "proga", "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv",
        "OutVariable", "ov", "OutBuffer", "ob", "PipelineVariable", "pv",
    };

    /// <summary>Added by SupportsShouldProcess.</summary>
    public static readonly IReadOnlySet<string> RiskParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "WhatIf", "wi", "Confirm", "cf",
    };
}
