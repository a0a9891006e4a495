package dev.spaceport.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Quantity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class SpaceStorage {

    @Required
    @JsonPropertyDescription("Size of the volume, e.g. 20Gi.")
    private Quantity size;

    @JsonPropertyDescription("StorageClass of the volume. Defaults to the cluster's default class.")
    private String storageClassName;

    public Quantity getSize() {
        return size;
    }

    public void setSize(Quantity size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }
}
