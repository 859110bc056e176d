/** voice-model: see the module's README. */
package dev.voxpipe.model;
