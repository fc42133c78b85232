/// calsync's version, shown by `--version` and recorded in `meta.writer`.
public enum CalSyncVersion {
    public static let current = "0.1.0"
}
