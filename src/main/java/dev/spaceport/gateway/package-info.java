/**
 * The gateway role: the reverse proxy in front of every Space (Host to Space to ready pod), activity recording, wake on request and the waking page.
 */
package dev.spaceport.gateway;
