/**
 * The Spaceport API, spaceport.dev/v1alpha1: the Space and HardwareFlavor custom resources and their spec and status types. Model only, no logic.
 */
package dev.spaceport.api;
