package dev.spaceport.operator;

/** The Hub's stage names (huggingface_hub SpaceStage), which status.stage carries. */
public enum Stage {
    CONFIG_ERROR("ConfigError", true),
    APP_STARTING("AppStarting", false),
    RUNNING("Running", false),
    RUNNING_APP_STARTING("RunningAppStarting", false),
    RUNTIME_ERROR("RuntimeError", true),
    PAUSED("Paused", false),
    SLEEPING("Sleeping", false);

    private final String reason;
    private final boolean error;

    Stage(String reason, boolean error) {
        this.reason = reason;
        this.error = error;
    }

    /** CamelCase, for event reasons. */
    public String reason() {
        return reason;
    }

    public boolean isError() {
        return error;
    }
}
