public enum PreflightVersion { public static let current = "0.1.0" }
