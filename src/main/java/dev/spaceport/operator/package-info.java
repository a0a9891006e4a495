/**
 * The operator role: JOSDK reconcilers that turn a Space into its owned objects (one dependent class per object), decide sleep, and compute status.
 */
package dev.spaceport.operator;
