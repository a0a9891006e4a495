/**
 * Typed configuration (@ConfigMapping interfaces) shared by both roles.
 */
package dev.spaceport.config;
